import crypto from 'node:crypto';
import { createAccount } from '@/lib/accounts/service';
import type { AuditContext } from '@/lib/audit';
import { createWebSession } from '@/lib/session/row';
import { createMailbox } from '@/lib/mailboxes/service';
import { operatorScope } from '@/lib/scope';
import { issueAccountScope } from '@/lib/session/account-scope';

/** Unit-test data built through the real domain service, in the per-file temporary database. */
export const testContext: AuditContext & { clientIp: string | null } = { actor: { kind: 'system', email: 'test' }, clientIp: '198.51.100.1', protocol: 'web' };

export function uniqueTag(): string {
  return crypto.randomBytes(4).toString('hex');
}

export async function makeAccount() {
  const tag = uniqueTag();
  const domain = `u${tag}.test`;
  const { accountId, adminId } = await createAccount({ name: `Unit ${tag}`, domain, adminEmail: `admin@${domain}`, adminPassword: 'Granite-Quasar-Willow-81' }, testContext);
  return { accountId, adminId, domain, adminEmail: `admin@${domain}`, adminPassword: 'Granite-Quasar-Willow-81', scope: issueAccountScope(accountId) };
}

export const MAILBOX_PASSWORD = 'Mailbox-Copper-Meadow-52';

export async function makeMailbox(domain: string, options: { allowNets?: string | null; requireResetPassword?: boolean; active?: boolean; local?: string } = {}) {
  const email = `${options.local ?? `u${uniqueTag()}`}@${domain}`;
  const view = await createMailbox(operatorScope, { email, password: MAILBOX_PASSWORD, allowNets: options.allowNets ?? null, requireResetPassword: options.requireResetPassword, active: options.active }, testContext);
  return view;
}

/**
 * A freshly signed-in admin web session (its row, as the sign-in creates it): the proof a sensitive step
 * takes (lib/admins/reauth.ts). `signedInAt` moves the sign-in into the past.
 */
export async function adminStepSession(adminId: number, signedInAt: number = Date.now()): Promise<{ adminId: number; sid: string }> {
  const sid = await createWebSession({ kind: 'admin', subjectId: adminId, sessionVersion: 1, clientIp: testContext.clientIp, userAgent: null }, signedInAt);
  return { adminId, sid };
}

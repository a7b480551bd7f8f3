import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { accounts, adminPasskeys, admins } from '@/db/schema';
import { getDb } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { passwordMatches } from '@/lib/auth/password';
import { beginAttempt } from '@/lib/auth/throttle';
import {
  countSubjectPasskeys,
  insertPasskey,
  listSubjectPasskeys,
  parsePasskeyName,
  subjectPasskeyRegistrationOptions,
  verifyPasskeyRegistration,
  type PasskeyView,
} from '@/lib/second-factor/passkey';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { problem } from '@/lib/service-problems';

/**
 * An admin's passkeys (spec §14): registration, the list, rename and removal. A passkey is a second factor
 * like TOTP. The ceremonies (options, checks, the sign-in step) are lib/second-factor/passkey.ts, shared
 * with mailbox users; this module holds the admins' rules around them.
 */

export const MAX_PASSKEYS = 10;
export { MAX_WEBAUTHN_RESPONSE_CHARS, passkeyNameSchema, relyingPartyOrThrow, type PasskeyView } from '@/lib/second-factor/passkey';

type Actor = { id: number; email: string; accountId: number };

const tooMany = problem('admin_passkeys_max', { max: MAX_PASSKEYS });

/** The admin's own passkeys, oldest first. */
export async function listPasskeys(adminId: number): Promise<PasskeyView[]> {
  return listSubjectPasskeys({ kind: 'admin', id: adminId });
}

/** Starts registering a passkey: options for the browser; the challenge stays here, bound to the session. */
export async function passkeyRegistrationOptions(admin: Actor, sessionId: string, host: string | null): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return subjectPasskeyRegistrationOptions({ kind: 'admin', ...admin }, sessionId, host, { max: MAX_PASSKEYS, tooMany });
}

/**
 * Finishes registering: the browser's answer must match the challenge of this session (single use), the
 * configured origin and RP ID. The passkey is stored under the given name.
 */
export async function registerPasskey(admin: Actor, sessionId: string, host: string | null, input: { name: string; response: unknown }, ctx: AuditContext): Promise<PasskeyView> {
  const subject = { kind: 'admin' as const, ...admin };
  const key = await verifyPasskeyRegistration(subject, sessionId, host, input);
  if ((await countSubjectPasskeys(getDb(), subject)) >= MAX_PASSKEYS) throw new ValidationError('passkey', tooMany);
  const row = await insertPasskey(getDb(), subject, key);
  if (!row) throw new ValidationError('passkey', problem('passkey_taken'));
  await recordAudit(getDb(), ctx, { event: 'passkey_added', accountId: admin.accountId, detail: { admin: admin.email, passkey: key.name } });
  return row;
}

/** Renames one of the admin's own passkeys; another admin's id is "not found". */
export async function renamePasskey(admin: Actor, id: number, newName: string, ctx: AuditContext): Promise<void> {
  const name = parsePasskeyName(newName);
  const [before] = await getDb().select({ name: adminPasskeys.name }).from(adminPasskeys).where(and(eq(adminPasskeys.id, id), eq(adminPasskeys.adminId, admin.id)));
  if (!before) throw new NotFoundError(problem('passkey_not_found'));
  const rows = await getDb().update(adminPasskeys).set({ name }).where(and(eq(adminPasskeys.id, id), eq(adminPasskeys.adminId, admin.id))).returning({ id: adminPasskeys.id });
  if (rows.length !== 1) throw new NotFoundError(problem('passkey_not_found'));
  if (before.name !== name) await recordAudit(getDb(), ctx, { event: 'passkey_renamed', accountId: admin.accountId, detail: { admin: admin.email, passkey: name, from: before.name } });
}

/**
 * Removes one of the admin's own passkeys, proven by the password (an unattended open session alone cannot
 * weaken the account, the same rule as turning TOTP off). The last second factor cannot go while the
 * account requires two-factor. Another admin's id is "not found".
 */
export async function removePasskey(admin: Actor, id: number, password: string, ctx: AuditContext & { clientIp: string | null }): Promise<void> {
  const db = getDb();
  const [target] = await db.select({ name: adminPasskeys.name }).from(adminPasskeys).where(and(eq(adminPasskeys.id, id), eq(adminPasskeys.adminId, admin.id)));
  if (!target) throw new NotFoundError(problem('passkey_not_found'));
  const attempt = await beginAttempt({ realm: 'admin-password-change', subject: admin.email, address: ctx.clientIp });
  if (attempt.limited) throw new ValidationError('password', problem('too_many_attempts', { minutes: attempt.retryAfterMinutes }));
  const [me] = await db.select({ hash: admins.passwordHash, totpEnabledAt: admins.totpEnabledAt, required: accounts.requireTwoFactor }).from(admins).innerJoin(accounts, eq(accounts.id, admins.accountId)).where(eq(admins.id, admin.id));
  if (!me || !(await passwordMatches(password, me.hash))) throw new ValidationError('password', problem('wrong_password'));
  await attempt.succeeded();
  if (me.required && me.totpEnabledAt === null) {
    const others = await db.select({ id: adminPasskeys.id }).from(adminPasskeys).where(and(eq(adminPasskeys.adminId, admin.id), ne(adminPasskeys.id, id))).limit(1);
    if (others.length === 0) throw new ForbiddenError(problem('admin_last_factor_required'));
  }
  const removed = await db.delete(adminPasskeys).where(and(eq(adminPasskeys.id, id), eq(adminPasskeys.adminId, admin.id))).returning({ id: adminPasskeys.id });
  if (removed.length !== 1) throw new NotFoundError(problem('passkey_not_found'));
  await recordAudit(db, ctx, { event: 'passkey_removed', accountId: admin.accountId, detail: { admin: admin.email, passkey: target.name } });
}

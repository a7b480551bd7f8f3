import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { CLIENT_ADDRESS_HEADER } from '@/lib/net/internal-headers';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD } from '@/lib/testing/factories';
import { handleRpcRequest } from '../endpoint';

async function rpc(method: string, params: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: 'unit-gate-token 198.51.100.10' };
  if (token) headers['HPLS-AUTH'] = token;
  const response = await handleRpcRequest(new Request('http://portcullis.test/v1/', { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }) }));
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
}
const tokenOf = async (user: string, pass: string) => ((await rpc('auth', { user, pass })).result as { session: string }).session;

describe('account.policy.get / account.policy.set and mail.list password_older_than_days (spec §21)', () => {
  it('reads and sets the password expiry of the session\'s account, audited with actor api', async () => {
    const account = await makeAccount();
    const token = await tokenOf(account.adminEmail, account.adminPassword);
    expect((await rpc('account.policy.get', {}, token)).result).toMatchObject({ password_max_age_days: null });
    expect((await rpc('account.policy.set', { password_max_age_days: 180 }, token)).result).toMatchObject({ password_max_age_days: 180 });
    expect((await rpc('account.policy.get', {}, token)).result).toMatchObject({ password_max_age_days: 180 });
    const [audit] = await getDb().select().from(auditEvents).where(and(eq(auditEvents.accountId, account.accountId), eq(auditEvents.event, 'account_policy_changed')));
    expect(audit).toMatchObject({ actorKind: 'api', detail: { policy: 'password_max_age_days', old: null, new: 180 } });
  });

  it('refuses bad values with -32602 naming the field, and mailbox-level sessions with code 2', async () => {
    const account = await makeAccount();
    const token = await tokenOf(account.adminEmail, account.adminPassword);
    const bad = await rpc('account.policy.set', { password_max_age_days: 0 }, token);
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toContain('password_max_age_days');
    const box = await makeMailbox(account.domain);
    const mailToken = await tokenOf(box.email, MAILBOX_PASSWORD);
    expect((await rpc('account.policy.set', { password_max_age_days: 30 }, mailToken)).error?.code).toBe(2);
    expect((await rpc('account.policy.get', {}, mailToken)).error?.code).toBe(2);
    expect((await rpc('account.policy.get', {}, token)).result).toMatchObject({ password_max_age_days: null });
  });

  it('mail.list filters by password age', async () => {
    const account = await makeAccount();
    const token = await tokenOf(account.adminEmail, account.adminPassword);
    const fresh = await makeMailbox(account.domain);
    const old = await makeMailbox(account.domain);
    await getDb().update(mailboxes).set({ passwordChangedAt: new Date(Date.now() - 100 * 86_400_000) }).where(eq(mailboxes.id, old.id));
    const list = async (days?: number) => ((await rpc('mail.list', { domain: account.domain, ...(days === undefined ? {} : { password_older_than_days: days }) }, token)).result as { mail: string }[]).map((m) => m.mail).sort();
    expect(await list(90)).toEqual([old.email]);
    expect(await list()).toEqual([fresh.email, old.email].sort());
    expect((await rpc('mail.list', { domain: account.domain, password_older_than_days: -1 }, token)).error?.code).toBe(-32602);
  });
});

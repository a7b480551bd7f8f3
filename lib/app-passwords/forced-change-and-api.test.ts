import { describe, expect, it } from 'vitest';
import { makeAccount, makeMailbox } from '@/lib/testing/factories';
import { CLIENT_ADDRESS_HEADER } from '@/lib/net/internal-headers';
import { handleRpcRequest } from '@/lib/rpc/endpoint';
import { applyBulkChange } from '@/lib/mailboxes/bulk';
import { updateMailbox } from '@/lib/mailboxes/service';
import { countAppPasswords, createAppPassword } from './service';

async function post(body: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: 'unit-gate-token 198.51.100.10' };
  if (token) headers['HPLS-AUTH'] = token;
  const response = await handleRpcRequest(new Request('http://portcullis.test/v1/', { method: 'POST', headers, body: JSON.stringify(body) }));
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
}
const call = (method: string, params: unknown) => ({ jsonrpc: '2.0', method, params, id: 1 });
async function authAs(user: string, pass: string): Promise<string> {
  const answer = await post(call('auth', { user, pass }));
  return (answer.result as { session: string }).session;
}

async function mailboxWithAppPasswords(domain: string, accountId: number, n: number) {
  const box = await makeMailbox(domain);
  const owner = { id: box.id, email: box.email, accountId };
  const ctx = { actor: { kind: 'mailbox' as const, email: box.email }, clientIp: '192.0.2.10' };
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await createAppPassword(owner, { label: `App ${i}`, protocols: ['imap'] }, ctx)).id);
  return { box, ids };
}

const adminCtx = (a: { adminId: number; adminEmail: string }) => ({ actor: { kind: 'admin' as const, id: a.adminId, email: a.adminEmail }, clientIp: '192.0.2.1' });

describe('a forced password change and app passwords', () => {
  it('revokes them by default and keeps them when unticked (mailbox page and service)', async () => {
    const account = await makeAccount();
    const a = await mailboxWithAppPasswords(account.domain, account.accountId, 2);
    await updateMailbox(account.scope, a.box.email, { requireResetPassword: true }, adminCtx(account));
    expect(await countAppPasswords(a.box.id)).toBe(0);
    const b = await mailboxWithAppPasswords(account.domain, account.accountId, 2);
    await updateMailbox(account.scope, b.box.email, { requireResetPassword: true, revokeAppPasswords: false }, adminCtx(account));
    expect(await countAppPasswords(b.box.id)).toBe(2);
  });

  it('in bulk: revokes by default, keeps when unticked', async () => {
    const account = await makeAccount();
    const a = await mailboxWithAppPasswords(account.domain, account.accountId, 1);
    const b = await mailboxWithAppPasswords(account.domain, account.accountId, 1);
    await applyBulkChange(account.scope, { action: 'force_reset', target: { kind: 'selected', emails: [a.box.email] } }, adminCtx(account));
    expect(await countAppPasswords(a.box.id)).toBe(0);
    await applyBulkChange(account.scope, { action: 'force_reset', revokeAppPasswords: false, target: { kind: 'selected', emails: [b.box.email] } }, adminCtx(account));
    expect(await countAppPasswords(b.box.id)).toBe(1);
  });

  it('through mail.set: revoke_app_passwords defaults to true with require_reset_password: true', async () => {
    const account = await makeAccount();
    const token = await authAs(account.adminEmail, account.adminPassword);
    const a = await mailboxWithAppPasswords(account.domain, account.accountId, 1);
    const b = await mailboxWithAppPasswords(account.domain, account.accountId, 1);
    expect((await post(call('mail.set', { mail: a.box.email, require_reset_password: true }), token)).result).toBe(true);
    expect((await post(call('mail.set', { mail: b.box.email, require_reset_password: true, revoke_app_passwords: false }), token)).result).toBe(true);
    expect(await countAppPasswords(a.box.id)).toBe(0);
    expect(await countAppPasswords(b.box.id)).toBe(1);
    expect((await post(call('mail.set', { mail: b.box.email, revoke_app_passwords: 'no' }), token)).error).toMatchObject({ code: -32602 });
  });
});

describe('the API: mail.get, mail.apppass.list, mail.apppass.del', () => {
  it('counts, lists and revokes for the mailbox\'s own admin', async () => {
    const account = await makeAccount();
    const token = await authAs(account.adminEmail, account.adminPassword);
    const { box, ids } = await mailboxWithAppPasswords(account.domain, account.accountId, 2);
    expect((await post(call('mail.get', { mail: box.email }), token)).result).toMatchObject({ app_passwords: 2 });
    const list = (await post(call('mail.apppass.list', { mail: box.email }), token)).result as Record<string, unknown>[];
    expect(list.map((a) => a.id)).toEqual([...ids].reverse());
    expect(Object.keys(list[0]!).sort()).toEqual(['allow_nets', 'created_at', 'expires_at', 'id', 'label', 'last_used_address', 'last_used_at', 'last_used_protocol', 'protocols'].sort());
    expect(list[0]).toMatchObject({ label: 'App 1', protocols: ['imap'], allow_nets: '', expires_at: null, last_used_at: null });
    expect((await post(call('mail.apppass.del', { mail: box.email, id: ids[0] }), token)).result).toBe(true);
    expect(await countAppPasswords(box.id)).toBe(1);
    expect((await post(call('mail.apppass.del', { mail: box.email, id: ids[0] }), token)).error).toMatchObject({ code: 404 });
  });

  it("another account's admin gets 404 for listing and revoking, exactly as for a missing mailbox", async () => {
    const account = await makeAccount();
    const other = await makeAccount();
    const { box, ids } = await mailboxWithAppPasswords(account.domain, account.accountId, 1);
    const token = await authAs(other.adminEmail, other.adminPassword);
    const listed = await post(call('mail.apppass.list', { mail: box.email }), token);
    const revoked = await post(call('mail.apppass.del', { mail: box.email, id: ids[0] }), token);
    const missing = await post(call('mail.apppass.list', { mail: `nobody@${account.domain}` }), token);
    expect(listed.error).toEqual({ code: 404, message: `Mailbox ${box.email} not found` });
    expect(revoked.error).toEqual({ code: 404, message: `Mailbox ${box.email} not found` });
    expect(missing.error).toEqual({ code: 404, message: `Mailbox nobody@${account.domain} not found` });
    expect(await countAppPasswords(box.id)).toBe(1);
  });

  it('is for account-level sessions only', async () => {
    const account = await makeAccount();
    const { box } = await mailboxWithAppPasswords(account.domain, account.accountId, 1);
    const token = await authAs(box.email, 'Mailbox-Copper-Meadow-52');
    expect((await post(call('mail.apppass.list', { mail: box.email }), token)).error).toMatchObject({ code: 2 });
  });
});

describe('account.policy.get / account.policy.set', () => {
  it('reads and changes "Mail apps must use app passwords", audited with actor api; other fields are refused', async () => {
    const account = await makeAccount();
    const token = await authAs(account.adminEmail, account.adminPassword);
    expect((await post(call('account.policy.get', {}), token)).result).toEqual({ require_app_passwords: false, require_two_factor: false, password_max_age_days: null });
    expect((await post(call('account.policy.set', { require_app_passwords: true }), token)).result).toEqual({ require_app_passwords: true, require_two_factor: false, password_max_age_days: null });
    expect((await post(call('account.policy.get', {}), token)).result).toEqual({ require_app_passwords: true, require_two_factor: false, password_max_age_days: null });
    expect((await post(call('account.policy.set', { require_app_passwords: 1 }), token)).error).toMatchObject({ code: -32602 });
    expect((await post(call('account.policy.set', { __proto__x: true }), token)).error).toMatchObject({ code: -32602 });
    const other = await makeAccount();
    expect((await post(call('account.policy.get', {}), await authAs(other.adminEmail, other.adminPassword))).result).toEqual({ require_app_passwords: false, require_two_factor: false, password_max_age_days: null });
  });
});

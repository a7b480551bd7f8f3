import bcrypt from 'bcrypt';
import { authenticate, call, INVALID_SESSION, rpc } from './support/api';
import { auditFor, createAccount, createAdmin, createMailbox, defaultServer, expect, mailboxRow, randomIPv4, SIGN_IN_FAILED, strongPassword, test, updateMailboxRow, sqlRows } from './support/fixtures';

function rowByEmail(email: string) {
  const [row] = sqlRows<{ id: number }>(defaultServer(), `SELECT id FROM mailboxes WHERE email = :'email'`, { email });
  return row ? { id: row.id, ...mailboxRow(row.id) } : undefined;
}

test.describe('JSON-RPC API: endpoint and methods', () => {
  test('POST /v1/, /v1, /api/v1 and /api/v1/ all answer directly, without a redirect', async ({ request }) => {
    for (const path of ['/v1/', '/v1', '/api/v1', '/api/v1/'] as const) {
      const response = await rpc(request, call('hello.world'), { path });
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.json).toEqual({ jsonrpc: '2.0', result: 'Hello World!', id: 1 });
    }
    // Other paths keep Next's usual trailing-slash redirect.
    expect((await request.get('/login/', { maxRedirects: 0 })).status()).toBe(308);
    // POST only.
    expect((await request.get('/v1/', { maxRedirects: 0 })).status()).toBe(405);
  });

  test('auth gives an admin level account and a mailbox user level mail; hello.innerworld needs the token', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const adminSession = await authenticate(request, admin.email, admin.password);
    expect(adminSession.level).toBe('account');
    expect(adminSession.token).toMatch(/^[\w-]{43}$/);
    const mailSession = await authenticate(request, mailbox.email.toUpperCase(), mailbox.password);
    expect(mailSession.level).toBe('mail');
    for (const token of [adminSession.token, mailSession.token]) {
      expect((await rpc(request, call('hello.innerworld'), { token })).json).toEqual({ jsonrpc: '2.0', result: 'Hello Inner World!', id: 1 });
    }
    expect((await rpc(request, call('hello.innerworld'))).json.error).toMatchObject(INVALID_SESSION);
    const audit = auditFor(mailbox.email, 'login_succeeded')[0];
    expect(audit).toMatchObject({ protocol: 'api', actorKind: 'api', clientIp: '198.51.100.200' });
  });

  test('domain.list, mail.list, mail.get, mail.add, mail.set and mail.del', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const [a, b, c] = ['alice', 'bob', 'carol'].map((local) => createMailbox(account, { local, allowNets: local === 'bob' ? '203.0.113.0/24' : null }));
    const { token } = await authenticate(request, admin.email, admin.password);

    expect((await rpc(request, call('domain.list'), { token })).json.result).toEqual([{ domain: account.domain }]);

    const list = await rpc(request, call('mail.list', { domain: account.domain }), { token });
    expect(list.json.result.map((m: { mail: string }) => m.mail)).toEqual([a!.email, b!.email, c!.email]);
    expect(Object.keys(list.json.result[0]).sort()).toEqual(['active', 'allow_nets', 'allow_nets_entries', 'allow_nets_mode', 'created_at', 'last_login_at', 'last_login_ip', 'mail', 'memo', 'require_reset_password', 'updated_at']);
    const page = await rpc(request, call('mail.list', { domain: account.domain.toUpperCase(), page_size: 2, page: 1, sort_field: 'mail', sort_order: 'DESC' }), { token });
    expect(page.json.result.map((m: { mail: string }) => m.mail)).toEqual([c!.email, b!.email]);
    const past = await rpc(request, call('mail.list', { domain: account.domain, page_size: 2, page: 3 }), { token });
    expect(past.json.result).toEqual([]);

    const got = await rpc(request, call('mail.get', { mail: b!.email }), { token });
    expect(got.json.result).toMatchObject({ mail: b!.email, active: true, allow_nets: '203.0.113.0/24', require_reset_password: false, memo: '', last_login_at: null, last_login_ip: null });
    expect(new Date(got.json.result.created_at).toISOString()).toBe(got.json.result.created_at);

    const newAddress = `dora@${account.domain}`;
    const password = strongPassword();
    const added = await rpc(request, call('mail.add', { mail: newAddress, password, allow_nets: '192.0.2.0/24 2001:db8::/32', require_reset_password: true, memo: 'new hire' }), { token });
    expect(added.json).toEqual({ jsonrpc: '2.0', result: true, id: 1 });
    const addedRow = rowByEmail(newAddress)!;
    expect(addedRow).toMatchObject({ allowNets: '192.0.2.0/24,2001:db8::/32', requireResetPassword: true, active: true, memo: 'new hire' });
    expect(bcrypt.compareSync(password, addedRow.passwordHash)).toBe(true);
    expect(auditFor(newAddress, 'mailbox_created')[0]).toMatchObject({ actorKind: 'api', protocol: 'api', clientIp: '198.51.100.200' });

    // Only the given fields change.
    const before = mailboxRow(a!.id);
    expect((await rpc(request, call('mail.set', { mail: a!.email, memo: 'desk 4', active: false }), { token })).json.result).toBe(true);
    expect(mailboxRow(a!.id)).toMatchObject({ memo: 'desk 4', active: false, allowNets: before.allowNets, requireResetPassword: false, passwordHash: before.passwordHash });
    // A new password follows the policy; same_password_allowed permits keeping the current one.
    const renewed = strongPassword();
    expect((await rpc(request, call('mail.set', { mail: c!.email, password: renewed }), { token })).json.result).toBe(true);
    expect(bcrypt.compareSync(renewed, mailboxRow(c!.id).passwordHash)).toBe(true);
    const same = await rpc(request, call('mail.set', { mail: c!.email, password: renewed }), { token });
    expect(same.json.error).toMatchObject({ code: -32602, data: { field: 'password' } });
    expect((await rpc(request, call('mail.set', { mail: c!.email, password: renewed, same_password_allowed: true }), { token })).json.result).toBe(true);
    const weak = await rpc(request, call('mail.set', { mail: c!.email, password: 'short' }), { token });
    expect(weak.json.error).toMatchObject({ code: -32602, data: { field: 'password', errors: expect.arrayContaining([expect.objectContaining({ rule: 'min_length' })]) } });

    expect((await rpc(request, call('mail.del', { mail: b!.email }), { token })).json.result).toBe(true);
    expect(rowByEmail(b!.email)).toBeUndefined();
    expect(auditFor(b!.email, 'mailbox_deleted')[0]).toMatchObject({ actorKind: 'api', protocol: 'api' });
    expect((await rpc(request, call('mail.get', { mail: b!.email }), { token })).json.error).toEqual({ code: 404, message: `Mailbox ${b!.email} not found` });
  });

  test('every error code of the spec', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, admin.email, admin.password);
    const errorOf = async (body: unknown, options: Parameters<typeof rpc>[2] = {}) => (await rpc(request, body, { token, ...options })).json.error;

    expect(await errorOf('{"jsonrpc":"2.0","method":"hello.world",', { raw: true })).toMatchObject({ code: -32700 });
    expect(await errorOf({ jsonrpc: '1.0', method: 'hello.world', id: 1 })).toMatchObject({ code: -32600 });
    expect(await errorOf(call('mail.frobnicate'))).toEqual({ code: -32601, message: 'Method not found: "mail.frobnicate"' });
    expect(await errorOf(call('mail.get', ['x@y.test']))).toMatchObject({ code: -32602, data: { field: 'params' } });
    expect(await errorOf(call('auth', { user: admin.email, pass: `${admin.password}x` }))).toEqual({ code: 2, message: SIGN_IN_FAILED });
    expect(await errorOf(call('mail.get', { mail: mailbox.email }), { token: 'Expired0rNeverIssued0000000000000000000000' })).toMatchObject(INVALID_SESSION);
    expect(await errorOf(call('mail.get', { mail: `nobody@${account.domain}` }))).toEqual({ code: 404, message: `Mailbox nobody@${account.domain} not found` });
    expect(await errorOf(call('mail.add', { mail: mailbox.email, password: strongPassword() }))).toEqual({ code: 409, message: `Address ${mailbox.email} is already in use by a mailbox or an admin` });
    // An admin's address is refused with the same answer (spec §23): admins and mailboxes share one address space.
    expect(await errorOf(call('mail.add', { mail: admin.email, password: strongPassword() }))).toEqual({ code: 409, message: `Address ${admin.email} is already in use by a mailbox or an admin` });

    const pending = createMailbox(account, { requireResetPassword: true });
    const refusal = await errorOf(call('auth', { user: pending.email, pass: pending.password }));
    expect(refusal.code).toBe(428);
    expect(refusal.message).toMatch(/password must be changed|change your password/i);
    expect(refusal.message).toContain('webmail');

    const throttledAt = randomIPv4('203.0.113');
    for (let i = 0; i < 10; i++) {
      expect(await errorOf(call('auth', { user: mailbox.email, pass: `wrong-${i}` }), { ip: throttledAt })).toEqual({ code: 2, message: SIGN_IN_FAILED });
    }
    const throttled = await errorOf(call('auth', { user: mailbox.email, pass: mailbox.password }), { ip: throttledAt });
    expect(throttled).toMatchObject({ code: 429, data: { retry_after_minutes: expect.any(Number) } });
    expect(throttled.message).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);

    // An internal failure (here: a list corrupted behind the application's back) is a bare -32603.
    const corrupt = createMailbox(account);
    updateMailboxRow(corrupt.id, { allowNets: 'garbage-not-a-list' });
    const internal = await rpc(request, call('auth', { user: corrupt.email, pass: corrupt.password }));
    expect(internal.json.error).toEqual({ code: -32603, message: 'Internal error' });
    expect(internal.text).not.toMatch(/garbage|allowlist|stack|\.ts:|SELECT/i);
  });
});

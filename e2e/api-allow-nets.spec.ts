import { authenticate, call, INVALID_SESSION, rpc } from './support/api';
import { auditFor, clientAt, createAccount, createAdmin, createMailbox, expect, formAlert, mailboxRow, signIn, SIGN_IN_FAILED, test } from './support/fixtures';

test.describe('JSON-RPC API: allowed networks and forced password change', () => {
  test('allow_nets round trip: pasted forms become canonical; "" removes the restriction and the mailbox signs in from anywhere', async ({ request, browser }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, admin.email, admin.password);

    const pasted = ' 198.51.100.7/24,\n2001:DB8:0::1 , ::ffff:192.0.2.0/120\n10.1.2.3/8,,198.51.100.0/24';
    expect((await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets: pasted }), { token })).json.result).toBe(true);
    const canonical = '198.51.100.0/24,2001:db8::1,192.0.2.0/24,10.0.0.0/8';
    expect((await rpc(request, call('mail.get', { mail: mailbox.email }), { token })).json.result.allow_nets).toBe(canonical);
    expect(mailboxRow(mailbox.id).allowNets).toBe(canonical);
    expect(auditFor(mailbox.email, 'allow_nets_changed')[0]).toMatchObject({ detail: { old: null, new: canonical }, actorKind: 'api', protocol: 'api' });

    // Outside the list the web sign-in is refused with the generic message.
    const outside = await clientAt(browser, '203.0.113.50');
    const refused = await outside.newPage();
    await signIn(refused, mailbox.email, mailbox.password);
    await expect(formAlert(refused)).toHaveText(SIGN_IN_FAILED);
    await outside.close();

    expect((await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets: '' }), { token })).json.result).toBe(true);
    expect(mailboxRow(mailbox.id).allowNets).toBeNull();
    expect((await rpc(request, call('mail.get', { mail: mailbox.email }), { token })).json.result.allow_nets).toBe('');
    for (const address of ['203.0.113.50', '2001:db8:ffff::50']) {
      const context = await clientAt(browser, address);
      const page = await context.newPage();
      await signIn(page, mailbox.email, mailbox.password);
      await expect(page, address).toHaveURL(/\/mail$/);
      await context.close();
    }
  });

  test('an invalid allow_nets lists every bad entry with its reason and changes nothing', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account, { allowNets: '192.0.2.0/24' });
    const { token } = await authenticate(request, admin.email, admin.password);
    const before = mailboxRow(mailbox.id);
    const { json } = await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets: '10.0.0.0/8, 10.0.0.1/33, 300.1.1.1, fe80::1%eth0, 2001:db8::/129', memo: 'should not be saved', require_reset_password: true }), { token });
    expect(json.error.code).toBe(-32602);
    expect(json.error.data.field).toBe('allow_nets');
    expect(json.error.data.errors.map((e: { entry: string }) => e.entry)).toEqual(['10.0.0.1/33', '300.1.1.1', 'fe80::1%eth0', '2001:db8::/129']);
    for (const error of json.error.data.errors) expect(error.reason).toEqual(expect.any(String));
    expect(json.error.message).toContain('allow_nets');
    expect(mailboxRow(mailbox.id)).toEqual(before);
  });

  test('require_reset_password: true ends the open web session; the next web sign-in lands on the interstitial', async ({ request, browser }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    // Without JavaScript the inbox makes no background (prefetch) requests, so the page load below is the
    // first request after the change: the one that must find the session ended.
    const context = await clientAt(browser, '198.51.100.61', { javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);

    const { token } = await authenticate(request, admin.email, admin.password);
    const version = mailboxRow(mailbox.id).sessionVersion;
    expect((await rpc(request, call('mail.set', { mail: mailbox.email, require_reset_password: true }), { token })).json.result).toBe(true);
    expect(mailboxRow(mailbox.id)).toMatchObject({ requireResetPassword: true, sessionVersion: version + 1 });
    expect(auditFor(mailbox.email, 'require_reset_password_changed')[0]).toMatchObject({ actorKind: 'api', detail: { old: false, new: true } });

    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login\?ended=1$/);
    expect(auditFor(mailbox.email, 'session_ended')[0]).toMatchObject({ protocol: 'web', detail: { reason: 'session_version' } });
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/change-password$/);
    await context.close();
  });

  test('a mail-level session: refused at auth from a network outside the list, ended when the list changes', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account, { allowNets: '203.0.113.0/24,2001:db8:5::/48' });
    const other = createMailbox(account);

    // Outside the list: the same answer as a wrong password.
    const outside = await rpc(request, call('auth', { user: mailbox.email, pass: mailbox.password }), { ip: '198.51.100.62' });
    const wrong = await rpc(request, call('auth', { user: mailbox.email, pass: `${mailbox.password}x` }), { ip: '203.0.113.62' });
    expect(outside.json).toEqual(wrong.json);
    expect(outside.json.error).toEqual({ code: 2, message: SIGN_IN_FAILED });
    expect(auditFor(mailbox.email, 'login_failed').map((a) => a.detail)).toEqual([{ reason: 'bad_password' }, { reason: 'network_not_allowed' }]);

    const { token, level } = await authenticate(request, mailbox.email, mailbox.password, '203.0.113.62');
    expect(level).toBe('mail');
    const own = await rpc(request, call('mail.get', { mail: mailbox.email }), { token, ip: '203.0.113.62' });
    expect(own.json.result).toMatchObject({ mail: mailbox.email, allow_nets: '203.0.113.0/24,2001:db8:5::/48', last_login_ip: '203.0.113.62' });

    // A mail-level session reads only its own mailbox and changes nothing.
    const notPermitted = { code: 2, message: 'Not permitted: a mail-level session may only read its own mailbox' };
    expect((await rpc(request, call('mail.get', { mail: other.email }), { token, ip: '203.0.113.62' })).json.error).toEqual(notPermitted);
    expect((await rpc(request, call('mail.get', { mail: `nobody@${account.domain}` }), { token, ip: '203.0.113.62' })).json.error).toEqual(notPermitted);
    for (const [method, params] of [
      ['mail.set', { mail: mailbox.email, allow_nets: '' }],
      ['mail.set', { mail: other.email, memo: 'x' }],
      ['mail.add', { mail: `x@${account.domain}`, password: 'Quartz-Lantern-Harbor-47' }],
      ['mail.del', { mail: other.email }],
      ['mail.list', { domain: account.domain }],
      ['domain.list', {}],
    ] as const) {
      const { json } = await rpc(request, call(method, params), { token, ip: '203.0.113.62' });
      expect(json.error.code, method).toBe(2);
    }
    expect(mailboxRow(mailbox.id).allowNets).toBe('203.0.113.0/24,2001:db8:5::/48');

    // The admin narrows the list: the issued token is refused from the now excluded address, and then gone.
    const { token: adminToken } = await authenticate(request, admin.email, admin.password);
    expect((await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets: '2001:db8:5::/48' }), { token: adminToken })).json.result).toBe(true);
    const cut = await rpc(request, call('hello.innerworld'), { token, ip: '203.0.113.62' });
    expect(cut.json.error.code).toBe(2);
    expect(cut.json.error.message).toContain('203.0.113.62');
    expect(auditFor(mailbox.email, 'session_ended')[0]).toMatchObject({ protocol: 'api', detail: { reason: 'network_not_allowed', level: 'mail' } });
    expect((await rpc(request, call('hello.innerworld'), { token, ip: '2001:db8:5::1' })).json.error).toMatchObject(INVALID_SESSION);
  });

  test('forcing a password change ends mail-level API sessions; auth then answers 428', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, mailbox.email, mailbox.password);
    const { token: adminToken } = await authenticate(request, admin.email, admin.password);
    expect((await rpc(request, call('mail.set', { mail: mailbox.email, require_reset_password: true }), { token: adminToken })).json.result).toBe(true);
    expect((await rpc(request, call('mail.get', { mail: mailbox.email }), { token })).json.error).toMatchObject(INVALID_SESSION);
    const again = await rpc(request, call('auth', { user: mailbox.email, pass: mailbox.password }));
    expect(again.json.error.code).toBe(428);
    expect(auditFor(mailbox.email, 'login_failed')[0]?.detail).toEqual({ reason: 'password_change_required' });
  });
});

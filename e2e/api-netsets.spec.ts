import { authenticate, call, rpc } from './support/api';
import { authHttp, nginxHeaders, verdict } from './support/auth-http';
import { auditFor, cli, createAccount, createAdmin, createMailbox, expect, mailboxRow, test } from './support/fixtures';

/** Spec §15 over the JSON-RPC API, the CLI and auth_http: entries, monitor mode and named network sets. */
test.describe('JSON-RPC API: allowlist entries, monitor mode and network sets', () => {
  test('mail.set with allow_nets_entries and allow_nets_mode; mail.get returns entries, mode and the effective networks', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, admin.email, admin.password);
    expect((await rpc(request, call('netset.add', { name: 'office', description: 'HQ', allow_nets: '192.0.2.0/24, 2001:db8::/48' }), { token })).json.result).toBe(true);

    const entries = [
      { net: '@office', label: 'Head office' },
      { net: '198.51.100.7', label: 'Travel, one week', expires_at: '2099-06-01T08:00:00Z' },
      { net: '203.0.113.0/24', expires_at: '2020-01-01T00:00:00Z' },
    ];
    const set = await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets_entries: entries, allow_nets_mode: 'monitor' }), { token });
    expect(set.json.result, JSON.stringify(set.json.error)).toBe(true);
    const got = (await rpc(request, call('mail.get', { mail: mailbox.email }), { token })).json.result;
    expect(got).toMatchObject({
      allow_nets: '@office,198.51.100.7,203.0.113.0/24',
      allow_nets_mode: 'monitor',
      allow_nets_entries: [
        { net: '@office', label: 'Head office', expires_at: null, expired: false },
        { net: '198.51.100.7', label: 'Travel, one week', expires_at: '2099-06-01T08:00:00.000Z', expired: false },
        { net: '203.0.113.0/24', label: null, expires_at: '2020-01-01T00:00:00.000Z', expired: true },
      ],
      allow_nets_effective: ['198.51.100.7', '192.0.2.0/24', '2001:db8::/48'],
    });
    expect(auditFor(mailbox.email, 'allow_nets_mode_changed')[0]).toMatchObject({ detail: { old: 'enforce', new: 'monitor' }, actorKind: 'api' });

    // A plain allow_nets round trip (read, write back) keeps labels and expiry; a removed network takes its label with it.
    expect((await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets: got.allow_nets.replace(',203.0.113.0/24', '') }), { token })).json.result).toBe(true);
    const again = (await rpc(request, call('mail.get', { mail: mailbox.email }), { token })).json.result;
    expect(again.allow_nets_entries).toEqual(got.allow_nets_entries.slice(0, 2));

    // Bad rows are named, and nothing changes.
    const before = mailboxRow(mailbox.id);
    const bad = await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets_entries: [{ net: '10.0.0.1/33' }, { net: '@nowhere' }, { net: '192.0.2.1', expires_at: 'next week' }], memo: 'x' }), { token });
    expect(bad.json.error.code).toBe(-32602);
    expect(bad.json.error.data.field).toBe('allow_nets_entries');
    expect(bad.json.error.data.errors.map((e: { entry: string }) => e.entry)).toEqual(['192.0.2.1', '10.0.0.1/33']);
    const unknown = await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets: '192.0.2.1,@nowhere' }), { token });
    expect(unknown.json.error.data.errors).toEqual([{ entry: '@nowhere', code: 'unknown_set', values: { name: 'nowhere' }, reason: 'unknown network set "@nowhere"' }]);
    expect((await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets_mode: 'audit' }), { token })).json.error.data.field).toBe('allow_nets_mode');
    expect(mailboxRow(mailbox.id)).toEqual(before);

    // mail.add takes them too.
    const added = `new-${Date.now()}@${account.domain}`;
    const add = await rpc(request, call('mail.add', { mail: added, password: 'Quartz-Lantern-Orbit-77', allow_nets_entries: [{ net: '@office', label: 'HQ' }], allow_nets_mode: 'monitor' }), { token });
    expect(add.json.result, JSON.stringify(add.json.error)).toBe(true);
    expect((await rpc(request, call('mail.get', { mail: added }), { token })).json.result).toMatchObject({ allow_nets: '@office', allow_nets_mode: 'monitor' });
  });

  test('netset.* round trip; deleting a referenced set is refused naming the mailboxes; account B cannot read, use or change account A\'s sets', async ({ request }) => {
    const a = createAccount();
    const adminA = createAdmin(a);
    const b = createAccount();
    const adminB = createAdmin(b);
    const tokenA = (await authenticate(request, adminA.email, adminA.password)).token;
    const tokenB = (await authenticate(request, adminB.email, adminB.password)).token;

    expect((await rpc(request, call('netset.add', { name: 'vpn', allow_nets_entries: [{ net: '2001:db8:1::/48', label: 'VPN pool' }] }), { token: tokenA })).json.result).toBe(true);
    expect((await rpc(request, call('netset.add', { name: 'vpn', allow_nets: '' }), { token: tokenA })).json.error.code).toBe(409);
    expect((await rpc(request, call('netset.add', { name: 'Bad Name' }), { token: tokenA })).json.error.data.field).toBe('name');
    expect((await rpc(request, call('netset.set', { name: 'vpn', description: 'Company VPN', allow_nets: '2001:db8:1::/48,198.51.100.0/24' }), { token: tokenA })).json.result).toBe(true);
    const vpn = (await rpc(request, call('netset.get', { name: 'vpn' }), { token: tokenA })).json.result;
    expect(vpn).toMatchObject({
      name: 'vpn',
      description: 'Company VPN',
      allow_nets: '2001:db8:1::/48,198.51.100.0/24',
      allow_nets_entries: [
        { net: '2001:db8:1::/48', label: 'VPN pool', expires_at: null, expired: false },
        { net: '198.51.100.0/24', label: null, expires_at: null, expired: false },
      ],
      used_by: 0,
    });
    expect((await rpc(request, call('netset.list'), { token: tokenA })).json.result.map((s: { name: string }) => s.name)).toEqual(['vpn']);

    // Account B: A's set is not found, and @vpn is an unknown entry in B's lists.
    expect((await rpc(request, call('netset.list'), { token: tokenB })).json.result).toEqual([]);
    for (const method of ['netset.get', 'netset.del']) {
      expect((await rpc(request, call(method, { name: 'vpn' }), { token: tokenB })).json.error.code, method).toBe(404);
    }
    expect((await rpc(request, call('netset.set', { name: 'vpn', allow_nets: '0.0.0.0/0' }), { token: tokenB })).json.error.code).toBe(404);
    const mailboxB = createMailbox(b);
    const useB = await rpc(request, call('mail.set', { mail: mailboxB.email, allow_nets: '@vpn' }), { token: tokenB });
    expect(useB.json.error.data.errors).toEqual([{ entry: '@vpn', code: 'unknown_set', values: { name: 'vpn' }, reason: 'unknown network set "@vpn"' }]);
    expect(mailboxRow(mailboxB.id).allowNets).toBeNull();

    // A mail-level session may not call netset.*.
    const user = createMailbox(a);
    const userToken = (await authenticate(request, user.email, user.password)).token;
    expect((await rpc(request, call('netset.list'), { token: userToken })).json.error.code).toBe(2);

    // Referenced: deletion refused naming the mailboxes; nothing changes.
    const users = [createMailbox(a, { local: 'ann' }), createMailbox(a, { local: 'bob' })];
    for (const u of users) expect((await rpc(request, call('mail.set', { mail: u.email, allow_nets: '@vpn' }), { token: tokenA })).json.result).toBe(true);
    const refused = await rpc(request, call('netset.del', { name: 'vpn' }), { token: tokenA });
    expect(refused.json.error.code).toBe(409);
    expect(refused.json.error.message).toBe(`Network set @vpn is used by mailboxes ${users[0]!.email}, ${users[1]!.email}. Remove it from their lists first.`);
    expect((await rpc(request, call('netset.get', { name: 'vpn' }), { token: tokenA })).json.result.used_by).toBe(2);
    for (const u of users) await rpc(request, call('mail.set', { mail: u.email, allow_nets: '' }), { token: tokenA });
    expect((await rpc(request, call('netset.del', { name: 'vpn' }), { token: tokenA })).json.result).toBe(true);
    expect((await rpc(request, call('netset.list'), { token: tokenA })).json.result).toEqual([]);
  });

  test('a set change reaches an open mail-level API session at its next call', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, admin.email, admin.password);
    await rpc(request, call('netset.add', { name: 'home', allow_nets: '198.51.100.0/24' }), { token });
    await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets: '@home' }), { token });
    const user = await authenticate(request, mailbox.email, mailbox.password, '198.51.100.9');
    expect((await rpc(request, call('hello.innerworld'), { token: user.token, ip: '198.51.100.9' })).json.result).toBe('Hello Inner World!');
    await rpc(request, call('netset.set', { name: 'home', allow_nets: '203.0.113.0/24' }), { token });
    const cut = (await rpc(request, call('hello.innerworld'), { token: user.token, ip: '198.51.100.9' })).json.error;
    expect(cut.code).toBe(2);
    expect(cut.message).toContain('The session has ended');
    expect((await rpc(request, call('hello.innerworld'), { token: user.token, ip: '198.51.100.9' })).json.error.code).toBe(253);
  });
});

test.describe('auth_http with a warm verification cache', () => {
  test('a set change and an entry expiry apply to the very next login', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, admin.email, admin.password);
    await rpc(request, call('netset.add', { name: 'office', allow_nets: '198.51.100.0/24' }), { token });
    // The temporary entry expires a few seconds from now (short expiry instead of a clock hook).
    const expiresAt = new Date(Date.now() + 4000);
    const set = await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets_entries: [{ net: '@office' }, { net: '203.0.113.5', label: 'hotel', expires_at: expiresAt.toISOString() }] }), { token });
    expect(set.json.result, JSON.stringify(set.json.error)).toBe(true);

    const login = (ip: string) => authHttp(nginxHeaders(mailbox.email, mailbox.password, ip)).then(verdict);
    // Warm the cache from both addresses.
    expect((await login('198.51.100.20'))['auth-status']).toBe('OK');
    expect((await login('198.51.100.20'))['auth-status']).toBe('OK');
    expect((await login('203.0.113.5'))['auth-status']).toBe('OK');

    // The set no longer holds 198.51.100.0/24: the next login from there is refused.
    await rpc(request, call('netset.set', { name: 'office', allow_nets: '192.0.2.0/24' }), { token });
    expect((await login('198.51.100.20'))['auth-status']).toBe('Invalid login or password');
    expect((await login('192.0.2.20'))['auth-status']).toBe('OK');
    expect(auditFor(mailbox.email, 'login_failed')[0]).toMatchObject({ detail: { reason: 'network_not_allowed' }, protocol: 'imap', clientIp: '198.51.100.20' });

    // The hotel entry admits until its instant and not after.
    expect((await login('203.0.113.5'))['auth-status']).toBe('OK');
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now() + 300)));
    expect((await login('203.0.113.5'))['auth-status']).toBe('Invalid login or password');
    expect((await login('192.0.2.20'))['auth-status']).toBe('OK');
  });

  test('monitor mode lets an unlisted IMAP login through and audits would_refuse', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account, { allowNets: '192.0.2.0/24' });
    const cmd = cli(['mailbox', 'set', '--email', mailbox.email, '--allow-nets-mode', 'monitor']);
    expect(cmd.status, cmd.stderr).toBe(0);
    const answer = verdict(await authHttp(nginxHeaders(mailbox.email, mailbox.password, '203.0.113.66')));
    expect(answer['auth-status']).toBe('OK');
    expect(auditFor(mailbox.email, 'would_refuse')[0]).toMatchObject({ clientIp: '203.0.113.66', protocol: 'imap', detail: { reason: 'network_not_allowed', kind: 'sign_in' } });
  });
});

test.describe('CLI: netset', () => {
  test('add, show, set, del; del refused while used', () => {
    const account = createAccount();
    // createAccount names the account "Test <tag>" and its domain "t<tag>.test".
    const accountName = `Test ${account.domain.slice(1, 11)}`;
    const add = cli(['netset', 'add', '--account', accountName, '--name', 'branch', '--description', 'Branch office', '--allow-nets', '198.51.100.0/24']);
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toContain('created @branch (198.51.100.0/24)');
    const mailbox = createMailbox(account);
    expect(cli(['mailbox', 'set', '--email', mailbox.email, '--allow-nets', '@branch']).status).toBe(0);
    const del = cli(['netset', 'del', '--account', accountName, '--name', 'branch']);
    expect(del.status).toBe(1);
    expect(del.stderr).toContain(`is used by mailbox ${mailbox.email}`);
    expect(cli(['netset', 'set', '--account', accountName, '--name', 'branch', '--allow-nets', '192.0.2.0/24']).status).toBe(0);
    const show = cli(['netset', 'show', '--account', accountName, '--name', 'branch', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ name: 'branch', allow_nets: '192.0.2.0/24', used_by: 1 });
    expect(cli(['mailbox', 'set', '--email', mailbox.email, '--allow-nets', '']).status).toBe(0);
    expect(cli(['netset', 'del', '--account', accountName, '--name', 'branch']).status).toBe(0);
  });
});

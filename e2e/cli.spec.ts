import { eq } from 'drizzle-orm';
import { accounts, admins, domains, mailboxes } from '../db/schema';
import { auditSentence } from '../lib/audit-sentence';
import { authenticate, call, rpc } from './support/api';
import { auditFor, cli, createAccount, createAdmin, createMailbox, dbOf, expect, mailboxRow, test } from './support/fixtures';

test.describe('operator CLI', () => {
  test('creates an account, a domain and a mailbox; sets and lists mailboxes', async () => {
    const tag = Date.now().toString(36);
    const domain = `cli${tag}.test`;
    let r = cli(['account', 'create', '--name', `CLI ${tag}`, '--domain', domain, '--admin', `boss@${domain}`], 'proxied', { PORTCULLIS_PASSWORD: 'Granite-Quasar-Willow-81' });
    expect(r.status, r.stderr).toBe(0);
    r = cli(['domain', 'add', '--account', `CLI ${tag}`, '--domain', `second.${domain}`]);
    expect(r.status, r.stderr).toBe(0);
    expect(dbOf().select({ id: domains.id }).from(domains).where(eq(domains.name, `second.${domain}`)).get()).toBeDefined();

    r = cli(['mailbox', 'create', '--email', `Ops@${domain}`, '--password', 'Fresh-Ocean-Lantern-64', '--allow-nets', '203.0.113.9/24, 2001:DB8::1', '--require-reset']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`created ops@${domain} (allow_nets: 203.0.113.0/24,2001:db8::1)`);

    r = cli(['mailbox', 'set', '--email', `ops@${domain}`, '--no-require-reset', '--allow-nets', '']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('allow_nets "203.0.113.0/24,2001:db8::1" -> null');

    r = cli(['mailbox', 'list', '--domain', domain, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(list).toEqual([expect.objectContaining({ mail: `ops@${domain}`, allow_nets: '', require_reset_password: false, active: true })]);
    expect(Object.keys(list[0]!).sort()).toEqual(['active', 'allow_nets', 'allow_nets_entries', 'allow_nets_mode', 'created_at', 'last_login_at', 'last_login_ip', 'mail', 'memo', 'require_reset_password', 'updated_at']);
    expect(r.stdout).not.toMatch(/hash|password_hash|\$2b\$/);

    r = cli(['mailbox', 'list', '--domain', domain]);
    expect(r.stdout.trim()).toBe(`ops@${domain}\tallow_nets=\trequire_reset_password=false\tactive=true`);
  });

  test('an invalid --allow-nets exits non-zero, names every bad entry and changes nothing', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account, { allowNets: '203.0.113.0/24' });
    const before = mailboxRow(mailbox.id);
    const r = cli(['mailbox', 'set', '--email', mailbox.email, '--allow-nets', '10.0.0.0/8, 300.1.1.1, fe80::1%eth0, 10.0.0.0/8/8', '--require-reset']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('"300.1.1.1"');
    expect(r.stderr).toContain('"fe80::1%eth0"');
    expect(r.stderr).toContain('"10.0.0.0/8/8"');
    expect(r.stderr).not.toContain('"10.0.0.0/8"');
    expect(mailboxRow(mailbox.id)).toEqual(before);
  });

  test('other bad input: unknown mailbox, weak password, unknown domain, nothing to change', async () => {
    const account = createAccount();
    const cases: [string[], string][] = [
      [['mailbox', 'set', '--email', `ghost@${account.domain}`, '--inactive'], 'not found'],
      [['mailbox', 'create', '--email', `weak@${account.domain}`, '--password', 'password1234'], 'too easy to guess'],
      [['mailbox', 'create', '--email', 'x@unknown-domain.test', '--password', 'Fresh-Ocean-Lantern-64'], 'Domain unknown-domain.test not found'],
      [['mailbox', 'set', '--email', `ghost@${account.domain}`], 'nothing to change'],
      [['mailbox', 'create', '--email', 'not-an-address', '--password', 'Fresh-Ocean-Lantern-64'], 'must be an address like name@example.com'],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(message);
    }
    expect(dbOf().select({ id: mailboxes.id }).from(mailboxes).where(eq(mailboxes.email, `weak@${account.domain}`)).get()).toBeUndefined();
  });

  test('admin add takes any unused address and refuses a used one; admin remove removes an admin (spec §23)', async () => {
    test.setTimeout(120_000);
    const account = createAccount();
    createAdmin(account);
    const mailbox = createMailbox(account);
    const other = createAccount();
    const otherAdmin = createAdmin(other);
    const name = dbOf().select({ name: accounts.name }).from(accounts).where(eq(accounts.id, account.id)).get()!.name;
    const env = { PORTCULLIS_PASSWORD: 'Granite-Quasar-Willow-81' };
    const fresh = `ops-${Date.now().toString(36)}@provider.example`;
    let r = cli(['admin', 'add', '--account', name, '--email', fresh], 'proxied', env);
    expect(r.status, r.stderr).toBe(0);
    expect(dbOf().select({ accountId: admins.accountId }).from(admins).where(eq(admins.email, fresh)).get()).toEqual({ accountId: account.id });
    for (const used of [mailbox.email, otherAdmin.email, fresh]) {
      r = cli(['admin', 'add', '--account', name, '--email', used], 'proxied', env);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`error: Address ${used} is already in use by a mailbox or an admin`);
    }
    r = cli(['mailbox', 'create', '--email', otherAdmin.email, '--password', 'Fresh-Ocean-Lantern-64']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`error: Address ${otherAdmin.email} is already in use by a mailbox or an admin`);
    r = cli(['admin', 'remove', '--email', fresh]);
    expect(r.status, r.stderr).toBe(0);
    expect(dbOf().select({ id: admins.id }).from(admins).where(eq(admins.email, fresh)).get()).toBeUndefined();
  });
});

test.describe('cli audit list (spec §18)', () => {
  test('prints the audit page sentences of every account, filtered, newest first; --json has the documented shape', async ({ request }) => {
    const account = createAccount();
    const other = createAccount();
    const mailbox = createMailbox(account);
    const stranger = createMailbox(other);
    const since = new Date().toISOString();
    // A refusal with a reason, an address and a protocol, and a success in another account.
    const wrong = await rpc(request, call('auth', { user: mailbox.email, pass: 'Wrong-Password-123456' }), { ip: '198.51.100.77' });
    expect(wrong.json.error.code).toBe(2);
    await authenticate(request, stranger.email, stranger.password, '198.51.100.78');

    let r = cli(['audit', 'list', '--mailbox', mailbox.email.toUpperCase(), '--since', since]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const [at, event, sentence] = lines[0]!.split('\t');
    expect(Date.parse(at!)).toBeGreaterThanOrEqual(Date.parse(since));
    expect(event).toBe('login_failed');
    expect(auditFor(mailbox.email, 'login_failed')[0]).toMatchObject({ actorKind: 'api', clientIp: '198.51.100.77' });
    // The admin audit page's sentence for the row (the API's auth records the address tried as the actor).
    expect(sentence).toBe(auditSentence({ event: 'login_failed', mailboxEmail: mailbox.email, actorKind: 'api', actorEmail: mailbox.email, clientIp: '198.51.100.77', protocol: 'api', detail: { reason: 'bad_password' } }));
    expect(sentence).toContain('198.51.100.77');

    // Operator level: both accounts; --event narrows; --json is the documented array.
    r = cli(['audit', 'list', '--since', since, '--json', '--limit', '10000']);
    expect(r.status, r.stderr).toBe(0);
    const items = JSON.parse(r.stdout) as Record<string, unknown>[];
    const mine = items.find((i) => i.mailbox === mailbox.email && i.event === 'login_failed');
    const theirs = items.find((i) => i.mailbox === stranger.email && i.event === 'login_succeeded');
    expect(theirs).toBeDefined();
    expect(mine).toEqual({
      at: expect.any(String),
      event: 'login_failed',
      actor: { kind: 'api', email: mailbox.email },
      mailbox: mailbox.email,
      address: '198.51.100.77',
      protocol: 'api',
      detail: { reason: 'bad_password' },
      sentence,
    });
    const times = items.map((i) => String(i.at));
    expect(times).toEqual([...times].sort().reverse());
    r = cli(['audit', 'list', '--since', since, '--event', 'login_succeeded', '--json']);
    const successes = JSON.parse(r.stdout) as { event: string; mailbox: string }[];
    expect(successes.every((i) => i.event === 'login_succeeded')).toBe(true);
    expect(successes.map((i) => i.mailbox)).toContain(stranger.email);
    expect(JSON.parse(cli(['audit', 'list', '--mailbox', mailbox.email, '--since', since, '--event', 'logout', '--json']).stdout)).toEqual([]);
    // --limit bounds the output.
    expect(cli(['audit', 'list', '--limit', '1']).stdout.trim().split('\n')).toHaveLength(1);
  });

  test('bad options exit non-zero with one line naming the option, and print nothing else', async () => {
    for (const [args, message] of [
      [['--limit', '10001'], 'error: --limit: must be at most 10000: narrow the list with --since, --mailbox or --event'],
      [['--limit', '0'], 'error: --limit: must be at least 1'],
      [['--limit', 'lots'], 'error: --limit: must be a whole number'],
      [['--since', 'yesterday'], 'error: --since: must be an ISO 8601 date or time, like 2026-12-01 or 2026-12-01T09:30:00Z (got "yesterday")'],
      [['--mailbox', 'carol'], 'error: --mailbox: must be an address like name@example.com'],
    ] as const) {
      const r = cli(['audit', 'list', ...args]);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim()).toBe(message);
      expect(r.stdout).toBe('');
    }
    const r = cli(['audit', 'list', '--event', 'logn_failed']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: --event: unknown event "logn_failed"; known events: .*login_failed/);
  });
});

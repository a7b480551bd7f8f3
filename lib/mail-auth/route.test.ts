import bcrypt from 'bcrypt';
import { count, desc, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { accounts, auditEvents, domains, knownNetworks, mailboxes } from '@/db/schema';
import { engineKind, getDb } from '@/db';

/** The PostgreSQL handle's raw query (the tests' one look below the shared Db type). */
type PgHandle = { execute(query: ReturnType<typeof sql>): Promise<{ rows: unknown[] }> };
import { mailVerificationCache } from './verification-cache';

// The endpoint's configuration for this file (env() reads it once, at the first request).
process.env.MAIL_AUTH_SECRET = 'unit-mail-auth-secret-0123456789';
process.env.IMAP_BACKEND = '10.1.2.3:1143';
process.env.POP3_BACKEND = '[2001:db8::110]:1110';
process.env.MAIL_AUTH_WAIT_SECONDS = '2';

const { answerMailAuth } = await import('./handler');
const { toResponse } = await import('./response');
// What server.ts's table serves (lib/machine-endpoints/table.ts), in the web Response shape the assertions read.
const GET = async (request: Request) => toResponse(await answerMailAuth(request.headers));

let domainId = 0;
let accountId = 0;
let counter = 0;

beforeAll(async () => {
  const db = getDb();
  accountId = (await db.insert(accounts).values({ name: 'Route test' }).returning({ id: accounts.id }))[0]!.id;
  domainId = (await db.insert(domains).values({ accountId, name: 'route.test' }).returning({ id: domains.id }))[0]!.id;
});

async function mailbox(options: { allowNets?: string | null; requireResetPassword?: boolean } = {}) {
  const email = `user${++counter}@route.test`;
  const password = `Route-Test-Password-${counter}`;
  const [{ id }] = (await getDb()
    .insert(mailboxes)
    .values({ accountId, domainId, email, passwordHash: bcrypt.hashSync(password, 4), allowNets: options.allowNets ?? null, requireResetPassword: options.requireResetPassword ?? false })
    .returning({ id: mailboxes.id })) as [{ id: number }];
  return { id, email, password };
}

function ask(fields: { user: string; pass?: string; protocol?: string; method?: string; attempt?: number; clientIp?: string; secret?: string | null }) {
  const headers: Record<string, string> = {
    'Auth-Method': fields.method ?? 'plain',
    'Auth-User': fields.user,
    'Auth-Protocol': fields.protocol ?? 'imap',
    'Auth-Login-Attempt': String(fields.attempt ?? 1),
    'Client-IP': fields.clientIp ?? '192.0.2.10',
  };
  if (fields.pass !== undefined) headers['Auth-Pass'] = fields.pass.replace(/%/g, '%25').replace(/ /g, '%20');
  if (fields.secret !== null) headers['X-Mail-Auth-Secret'] = fields.secret ?? process.env.MAIL_AUTH_SECRET!;
  return GET(new Request('http://portcullis.test/api/mail-auth', { headers }));
}

const verdict = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('auth-')));

async function lastAudit(email: string) {
  return await getDb()
    .select({ event: auditEvents.event, protocol: auditEvents.protocol, clientIp: auditEvents.clientIp, detail: auditEvents.detail })
    .from(auditEvents)
    .where(eq(auditEvents.mailboxEmail, email))
    .orderBy(desc(auditEvents.id));
}

describe('GET /api/mail-auth', () => {
  it('refuses requests without the shared secret with 403', async () => {
    const box = await mailbox();
    for (const secret of [null, 'wrong-secret-wrong-secret']) {
      const response = await ask({ user: box.email, pass: box.password, secret });
      expect(response.status).toBe(403);
      expect(verdict(response)).toEqual({});
    }
    expect(await lastAudit(box.email)).toEqual([]);
  });

  it('lets a right password in and names the IMAP backend, the canonical user and the password to pass on', async () => {
    const box = await mailbox();
    const response = await ask({ user: box.email.toUpperCase(), pass: box.password });
    expect(response.status).toBe(200);
    expect(verdict(response)).toEqual({ 'auth-status': 'OK', 'auth-server': '10.1.2.3', 'auth-port': '1143', 'auth-user': box.email, 'auth-pass': box.password });
    expect((await lastAudit(box.email))[0]).toMatchObject({ event: 'login_succeeded', protocol: 'imap', clientIp: '192.0.2.10' });
  });

  it('serves POP3 with POP3_BACKEND and audits it as pop3', async () => {
    const box = await mailbox();
    const response = await ask({ user: box.email, pass: box.password, protocol: 'pop3' });
    expect(verdict(response)).toMatchObject({ 'auth-status': 'OK', 'auth-server': '2001:db8::110', 'auth-port': '1110' });
    expect((await lastAudit(box.email))[0]).toMatchObject({ event: 'login_succeeded', protocol: 'pop3' });
  });

  it('refuses a protocol without a backend (SMTP here) before looking at the credentials', async () => {
    const box = await mailbox();
    for (const protocol of ['smtp', 'nntp']) {
      const response = await ask({ user: box.email, pass: box.password, protocol });
      expect(verdict(response)).toEqual({ 'auth-status': 'This mail protocol is not offered here' });
    }
    expect(await lastAudit(box.email)).toEqual([]);
  });

  it('refuses methods that carry no password', async () => {
    const box = await mailbox();
    const response = await ask({ user: box.email, method: 'cram-md5' });
    expect(verdict(response)).toEqual({ 'auth-status': 'This authentication method is not supported; use a password' });
    expect(await lastAudit(box.email)).toEqual([]);
  });

  it('gives one answer for wrong password, unknown mailbox and refused network, with Auth-Wait below the 10th attempt', async () => {
    const open = await mailbox();
    const restricted = await mailbox({ allowNets: '203.0.113.0/24' });
    const answers = [
      await ask({ user: open.email, pass: `${open.password}x` }),
      await ask({ user: 'nobody@route.test', pass: open.password }),
      await ask({ user: restricted.email, pass: restricted.password, clientIp: '198.51.100.20' }),
      await ask({ user: restricted.email, pass: restricted.password, clientIp: 'not-an-address' }),
    ];
    for (const answer of answers) expect(verdict(answer)).toEqual({ 'auth-status': 'Invalid login or password', 'auth-wait': '2' });
    expect((await lastAudit(open.email))[0]).toMatchObject({ event: 'login_failed', protocol: 'imap', detail: { reason: 'bad_password' } });
    expect((await lastAudit('nobody@route.test'))[0]).toMatchObject({ detail: { reason: 'unknown_mailbox' } });
    expect((await lastAudit(restricted.email)).map((r) => [r.clientIp, r.detail])).toEqual([
      [null, { reason: 'network_not_allowed' }],
      ['198.51.100.20', { reason: 'network_not_allowed' }],
    ]);
    expect(verdict(await ask({ user: open.email, pass: 'nope', attempt: 9 }))).toHaveProperty('auth-wait', '2');
    expect(verdict(await ask({ user: open.email, pass: 'nope', attempt: 10 }))).toEqual({ 'auth-status': 'Invalid login or password' });
  });

  it('refuses a pending forced change with its own text, only when the password is right', async () => {
    const box = await mailbox({ requireResetPassword: true });
    expect(verdict(await ask({ user: box.email, pass: box.password }))).toEqual({ 'auth-status': 'Password change required - sign in to webmail first' });
    expect(verdict(await ask({ user: box.email, pass: 'wrong' }))).toEqual({ 'auth-status': 'Invalid login or password', 'auth-wait': '2' });
    expect((await lastAudit(box.email))[1]).toMatchObject({ event: 'login_failed', protocol: 'imap', detail: { reason: 'password_change_required' } });
  });

  it('checks the list on every login, even with the password verification cached', async () => {
    const box = await mailbox({ allowNets: '192.0.2.0/24' });
    expect(verdict(await ask({ user: box.email, pass: box.password }))).toHaveProperty('auth-status', 'OK');
    const cached = mailVerificationCache().size;
    expect(cached).toBeGreaterThan(0);
    // Changed behind the domain service's back: updated_at stays, so the cache entry is still valid.
    await getDb().update(mailboxes).set({ allowNets: '203.0.113.0/24' }).where(eq(mailboxes.id, box.id));
    expect(verdict(await ask({ user: box.email, pass: box.password }))).toHaveProperty('auth-status', 'Invalid login or password');
    await getDb().update(mailboxes).set({ allowNets: null, active: false }).where(eq(mailboxes.id, box.id));
    expect(verdict(await ask({ user: box.email, pass: box.password }))).toHaveProperty('auth-status', 'Invalid login or password');
    expect((await lastAudit(box.email)).slice(0, 2).map((r) => r.detail)).toEqual([{ reason: 'inactive' }, { reason: 'network_not_allowed' }]);
    expect(mailVerificationCache().size).toBe(cached);
  });

  it('throttles like the web: after 10 failures from an address even the right password gets the throttle text', async () => {
    const box = await mailbox();
    for (let i = 0; i < 10; i++) await ask({ user: box.email, pass: `wrong-${i}`, clientIp: '192.0.2.99' });
    expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.99' }))).toEqual({ 'auth-status': 'Too many attempts, try again later' });
    expect((await lastAudit(box.email))[0]).toMatchObject({ event: 'login_failed', detail: { reason: 'throttled' } });
    // Another address is not affected.
    expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.98' }))).toHaveProperty('auth-status', 'OK');
  });
  it('a warm login is checked against the limits without being counted: no failure rows written and deleted', async () => {
    const box = await mailbox();
    expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.60' }))).toHaveProperty('auth-status', 'OK');
    if (engineKind() === 'sqlite') {
      // The process's one SQLite connection counts every row changed on it.
      const changes = async () => (await getDb().values<[number]>(sql`SELECT total_changes()`))[0]![0];
      const before = await changes();
      expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.60' }))).toHaveProperty('auth-status', 'OK');
      // Nothing at all (spec §19): the repeat success is counted in memory (lib/sign-in-summaries), nothing is
      // counted and un-counted on the way, and the network, known since the first login a moment ago, is not
      // rewritten (KNOWN_NETWORK_REFRESH_MS).
      expect((await changes()) - before).toBe(0);
    } else {
      // PostgreSQL: a failure row inserted (and deleted again) would have taken a number of the sequence.
      const sequence = async () => (await (getDb() as unknown as PgHandle).execute(sql`SELECT last_value, is_called FROM sign_in_failures_id_seq`)).rows[0];
      const before = await sequence();
      expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.60' }))).toHaveProperty('auth-status', 'OK');
      expect(await sequence()).toEqual(before);
    }
    expect((await lastAudit(box.email))[0]).toMatchObject({ event: 'login_succeeded', clientIp: '192.0.2.60' });
  });

  it('marks only a repeat success the summaries count as left out of the request log, never a first success or a refusal', async () => {
    const box = await mailbox();
    const asked = (pass: string, clientIp: string) => answerMailAuth(new Request('http://portcullis.test/api/mail-auth', { headers: { 'Auth-Method': 'plain', 'Auth-User': box.email, 'Auth-Pass': pass, 'Auth-Protocol': 'imap', 'Auth-Login-Attempt': '1', 'Client-IP': clientIp, 'X-Mail-Auth-Secret': process.env.MAIL_AUTH_SECRET! } }).headers);
    // The first success from an address has its audit row (and so its log lines).
    const first = await asked(box.password, '192.0.2.66');
    expect(first.headers['Auth-Status']).toBe('OK');
    expect(first.repeat).toBeUndefined();
    const repeat = await asked(box.password, '192.0.2.66');
    expect(repeat).toMatchObject({ repeat: true, headers: { 'Auth-Status': 'OK' } });
    // A new address is a first success again; a wrong password is a failure: both logged.
    expect((await asked(box.password, '192.0.2.67')).repeat).toBeUndefined();
    const wrong = await asked('Not-The-Password-1234', '192.0.2.66');
    expect(wrong.headers['Auth-Status']).toBe('Invalid login or password');
    expect(wrong.repeat).toBeUndefined();
    // Inactive with the password cached: refused, and logged.
    await getDb().update(mailboxes).set({ active: false }).where(eq(mailboxes.id, box.id));
    const inactive = await asked(box.password, '192.0.2.66');
    expect(inactive.headers['Auth-Status']).toBe('Invalid login or password');
    expect(inactive.repeat).toBeUndefined();
  });

  it('PostgreSQL: a warm login is one read (row and throttle state) and no write', async () => {
    if (engineKind() !== 'postgres') return;
    const box = await mailbox();
    expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.65' }))).toHaveProperty('auth-status', 'OK');
    const query = vi.spyOn(pg.Client.prototype, 'query');
    try {
      expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.65' }))).toHaveProperty('auth-status', 'OK');
      expect(query.mock.calls.map(([config]) => (typeof config === 'string' ? config : (config as { name?: string }).name))).toEqual(['sign_in_provenMailboxByEmail']);
    } finally {
      query.mockRestore();
    }
    const [row] = await getDb().select({ ip: mailboxes.lastLoginIp }).from(mailboxes).where(eq(mailboxes.id, box.id));
    expect(row!.ip).toBe('192.0.2.65');
    // The first success from the address was audited; the repeat is counted in the summary.
    expect((await lastAudit(box.email)).filter((r) => r.event === 'login_succeeded')).toHaveLength(1);
  });

  it('audits every login of a group commit: concurrent warm logins each get their audit row and last_login', async () => {
    const boxes = await Promise.all(Array.from({ length: 5 }, () => mailbox()));
    for (const box of boxes) expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.64' }))).toHaveProperty('auth-status', 'OK');
    // 20 at once: they share commits (db/index.ts groupCommit), and each is answered only after its row is in.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ask({ user: boxes[i % 5]!.email, pass: boxes[i % 5]!.password, clientIp: `192.0.2.${70 + i}` })));
    expect(answers.map((a) => verdict(a)['auth-status'])).toEqual(Array(20).fill('OK'));
    for (const [b, box] of boxes.entries()) {
      const rows = (await lastAudit(box.email)).filter((r) => r.event === 'login_succeeded').slice(0, 4);
      expect(rows.map((r) => r.clientIp).sort()).toEqual([0, 1, 2, 3].map((k) => `192.0.2.${70 + b + 5 * k}`).sort());
      const [row] = await getDb().select({ ip: mailboxes.lastLoginIp }).from(mailboxes).where(eq(mailboxes.id, box.id));
      expect([0, 1, 2, 3].map((k) => `192.0.2.${70 + b + 5 * k}`)).toContain(row!.ip);
    }
  });

  it('a warm login still clears the failures counted at its address and keeps its network known', async () => {
    const box = await mailbox();
    expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.61' }))).toHaveProperty('auth-status', 'OK');
    for (let i = 0; i < 9; i++) await ask({ user: box.email, pass: `wrong-${i}`, clientIp: '192.0.2.61' });
    expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.61' }))).toHaveProperty('auth-status', 'OK');
    // Cleared: nine more wrong passwords are answered as wrong passwords, not throttled.
    for (let i = 0; i < 9; i++) expect(verdict(await ask({ user: box.email, pass: `again-${i}`, clientIp: '192.0.2.61' }))).toHaveProperty('auth-status', 'Invalid login or password');
    const [known] = await getDb().select({ n: count() }).from(knownNetworks).where(eq(knownNetworks.subjectKey, `mailbox|${box.email}`));
    expect(known!.n).toBe(1);
  });

  it('a warm (cached) right password is still refused once its address is throttled', async () => {
    const box = await mailbox();
    expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.62' }))).toHaveProperty('auth-status', 'OK');
    for (let i = 0; i < 10; i++) await ask({ user: box.email, pass: `wrong-${i}`, clientIp: '192.0.2.63' });
    expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: '192.0.2.63' }))).toEqual({ 'auth-status': 'Too many attempts, try again later' });
    expect((await lastAudit(box.email))[0]).toMatchObject({ event: 'login_failed', detail: { reason: 'throttled' } });
  });

  // Spec §23 "An office is not an attacker". After a restart nothing is cached: every login takes the full path
  // (counted before its password is checked), so 100 apps at once used to find 50 pending attempts in the
  // per-address bucket and be refused.
  it('office: 100 apps of 100 known mailboxes reconnecting at once from one address after a restart all get in', async () => {
    const office = '192.0.2.150';
    const boxes = await Promise.all(Array.from({ length: 100 }, () => mailbox()));
    for (const box of boxes) expect(verdict(await ask({ user: box.email, pass: box.password, clientIp: office }))).toHaveProperty('auth-status', 'OK');
    restart();
    const answers = await Promise.all(boxes.map((box) => ask({ user: box.email, pass: box.password, clientIp: office })));
    expect(answers.map((a) => verdict(a)['auth-status'])).toEqual(Array(100).fill('OK'));
  });

  it('office: a storm of guesses from one address at pairs that are not known is still capped, and a wrong password at a known pair is answered as throttled', async () => {
    const office = '192.0.2.151';
    const known = await mailbox();
    expect(verdict(await ask({ user: known.email, pass: known.password, clientIp: office }))).toHaveProperty('auth-status', 'OK');
    restart();
    const strangers = await Promise.all(Array.from({ length: 100 }, () => mailbox()));
    const answers = await Promise.all(strangers.map((box) => ask({ user: box.email, pass: `${box.password}-guess`, clientIp: office })));
    const statuses = answers.map((a) => verdict(a)['auth-status']);
    // At most the per-address cap is evaluated; the rest are refused as throttled without a password check.
    expect(statuses.filter((s) => s === 'Invalid login or password')).toHaveLength(50);
    expect(statuses.filter((s) => s === 'Too many attempts, try again later')).toHaveLength(50);
    const checked = await getDb().select({ n: count() }).from(auditEvents).where(sql`${auditEvents.event} = 'login_failed' AND ${auditEvents.detail} LIKE '%bad_password%' AND ${auditEvents.clientIp} = ${office}`);
    expect(checked[0]!.n).toBe(50);
    // Past the cap, a wrong password at the known pair looks exactly like one at any other pair…
    const stranger = await mailbox();
    expect(verdict(await ask({ user: known.email, pass: 'wrong', clientIp: office }))).toEqual({ 'auth-status': 'Too many attempts, try again later' });
    expect(verdict(await ask({ user: stranger.email, pass: 'wrong', clientIp: office }))).toEqual({ 'auth-status': 'Too many attempts, try again later' });
    // …the right one gets in, and an unknown pair's right password is still held back by the cap.
    expect(verdict(await ask({ user: known.email, pass: known.password, clientIp: office }))).toHaveProperty('auth-status', 'OK');
    expect(verdict(await ask({ user: stranger.email, pass: stranger.password, clientIp: office }))).toEqual({ 'auth-status': 'Too many attempts, try again later' });
  });

  it('office: past the per-address cap, a known pair\'s warm login gets in and guessing at it is still bounded by the per-mailbox caps', async () => {
    const office = '192.0.2.152';
    const known = await mailbox();
    expect(verdict(await ask({ user: known.email, pass: known.password, clientIp: office }))).toHaveProperty('auth-status', 'OK');
    const strangers = await Promise.all(Array.from({ length: 50 }, () => mailbox()));
    for (const box of strangers) await ask({ user: box.email, pass: 'guess', clientIp: office });
    // The warm path (password proven by the verification cache) passes the full per-address bucket too.
    expect(mailVerificationCache().size).toBeGreaterThan(0);
    expect(verdict(await ask({ user: known.email, pass: known.password, clientIp: office }))).toHaveProperty('auth-status', 'OK');
    for (let i = 0; i < 15; i++) expect(verdict(await ask({ user: known.email, pass: `guess-${i}`, clientIp: office }))).toEqual({ 'auth-status': 'Too many attempts, try again later' });
    const checked = await getDb().select({ n: count() }).from(auditEvents).where(sql`${auditEvents.mailboxEmail} = ${known.email} AND ${auditEvents.detail} LIKE '%bad_password%'`);
    expect(checked[0]!.n).toBe(10);
  });
});

/** What a restart leaves: no verified password and no remembered refusal in memory. */
function restart() {
  const held = globalThis as unknown as { portcullisVerificationCache?: unknown; portcullisRefusalMemo?: unknown };
  delete held.portcullisVerificationCache;
  delete held.portcullisRefusalMemo;
}

import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, mailboxes, mailKicks, notifyDeliveries } from '@/db/schema';
import { getDb, transaction } from '@/db';
import type { JobContext } from '@/lib/jobs/job';
import { runJob } from '@/lib/jobs/runner';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { adminStepSession, makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';
import { startReceiver } from '@/lib/testing/webhook-receiver';
import { readMail, startSmtpSink } from '@/lib/testing/smtp-sink';
import { addDestination, listDestinations, setDestinationLanguage } from './destinations';
import { deliverDueNotifications } from './deliver';
import { readAuditLog, SETTLE_MS } from './events';
import { NOTIFY_JOBS } from './jobs';
import type { NotificationBody } from './payload';
import { rememberMailboxLanguage } from './user-notices';

vi.hoisted(() => {
  process.env.NOTIFY_ALLOW_NETS = '127.0.0.1';
  // Port base 5500 (this suite's): one port per engine, since the two projects may run at once.
  process.env.SMTP_URL = `smtp://127.0.0.1:${process.env.DATABASE_URL ? 5532 : 5531}`;
  process.env.MAIL_FROM = 'alerts@portal.test';
  process.env.PUBLIC_URL = 'https://portal.example.test';
});

const HOLDER = 'events-test';
/**
 * A run of the reader at `now`, its window starting where the previous one ended (the job runner's lease
 * and schedule are tested in outbox.test.ts; here every call reads).
 */
let lastRun = Date.now();
function runAt(now: number): JobContext {
  const ctx = { now, since: Math.min(lastRun, now), complete: <T>(work: Parameters<typeof transaction<T>>[0]) => transaction(work) };
  lastRun = now;
  return ctx;
}
const MINUTE = 60_000;
let hook: Awaited<ReturnType<typeof startReceiver>>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
/** Status answers of the receiver, in order; 200 once they run out. */
const answers: number[] = [];

beforeAll(async () => {
  hook = await startReceiver('127.0.0.1', () => answers.shift() ?? 200);
  sink = await startSmtpSink(Number(new URL(process.env.SMTP_URL!).port));
  // The reader's first run starts at the end of the log (no alerts for history).
  await readAuditLog(runAt(Date.now()));
});
afterAll(async () => {
  await hook.close();
  await sink.close();
});

/** An account with a webhook destination for `events` (added through the service, with a fresh proof). */
async function accountWithHook(events: string[]) {
  const account = await makeAccount();
  const proof = await adminStepSession(account.adminId);
  const admin = { id: account.adminId, email: account.adminEmail, accountId: account.accountId };
  const { id, secret } = await addDestination(admin, { kind: 'webhook', url: hook.url, events }, testContext, { web: proof });
  return { ...account, admin, destinationId: id, secret: secret! };
}

/** Writes an audit row as the services do, at a chosen time in the past. */
async function audit(row: { at: number; event: string; accountId: number; mailboxId?: number; mailboxEmail?: string; clientIp?: string; detail?: Record<string, unknown> }) {
  await getDb()
    .insert(auditEvents)
    .values({ at: new Date(row.at), event: row.event, accountId: row.accountId, actorKind: 'system', mailboxId: row.mailboxId ?? null, mailboxEmail: row.mailboxEmail ?? null, clientIp: row.clientIp ?? '198.51.100.9', protocol: 'imap', detail: row.detail ?? null });
}

/** Reads the log and delivers, as the worker's round does. */
async function round(now = Date.now() + SETTLE_MS + 1) {
  await readAuditLog(runAt(now));
  await deliverDueNotifications(now);
}
/** The notifications received about `mailbox`, in the order of what caused them (deliveries run in parallel). */
const bodiesFor = (mailbox: string) =>
  hook.received
    .map((h) => JSON.parse(h.body) as NotificationBody)
    .filter((b) => b.mailbox === mailbox)
    .sort((x, y) => x.occurred_at.localeCompare(y.occurred_at));

describe('alert events from the audit log', () => {
  it('a refused burst (10 wrong passwords) arrives signed, with a plain summary and a link to the filtered audit', async () => {
    const a = await accountWithHook(['sign_in.refused_burst']);
    const box = await makeMailbox(a.domain);
    for (let i = 0; i < 10; i++) await verifyMailboxSignIn({ email: box.email, password: 'wrong-password-123', context: { ...testContext, clientIp: '203.0.113.77' }, allowPendingReset: true });
    await round();
    const [body, ...more] = bodiesFor(box.email);
    expect(more).toEqual([]);
    expect(body).toMatchObject({ type: 'sign_in.refused_burst', mailbox: box.email, address: '203.0.113.77', account: expect.stringContaining('Unit ') });
    expect(body!.summary).toContain(`${box.email} was refused 10 sign-ins within 15 minutes`);
    expect(body!.audit_url).toMatch(new RegExp(`^https://portal\\.example\\.test/admin/audit\\?mailbox=${encodeURIComponent(box.email).replace(/\./g, '\\.')}&event=login_failed&from=\\d{4}-\\d{2}-\\d{2}$`));
    const received = hook.received.find((h) => h.body.includes(box.email))!;
    const ts = String(received.headers['x-portcullis-timestamp']);
    expect(received.headers['x-portcullis-signature']).toBe(`sha256=${crypto.createHmac('sha256', a.secret).update(`${ts}.${received.body}`).digest('hex')}`);
    expect(received.headers['x-portcullis-event']).toBe('sign_in.refused_burst');
    // Nine refusals are no burst.
    const calm = await makeMailbox(a.domain);
    for (let i = 0; i < 9; i++) await verifyMailboxSignIn({ email: calm.email, password: 'wrong-password-123', context: testContext, allowPendingReset: true });
    await round();
    expect(bodiesFor(calm.email)).toEqual([]);
  });

  it('a sign-in from a new network arrives; a second address of the same /24 does not; the user notice goes to the mailbox when switched on', async () => {
    const a = await accountWithHook(['sign_in.new_network']);
    const box = await makeMailbox(a.domain);
    await getDb().update(mailboxes).set({ notifyNewNetwork: true }).where(eq(mailboxes.email, box.email));
    const quiet = await makeMailbox(a.domain);
    const t = Date.now() - 60 * MINUTE;
    await audit({ at: t - 100 * 24 * 60 * MINUTE, event: 'login_succeeded', accountId: a.accountId, mailboxId: box.id, mailboxEmail: box.email, clientIp: '198.51.100.20' });
    await audit({ at: t, event: 'login_succeeded', accountId: a.accountId, mailboxId: box.id, mailboxEmail: box.email, clientIp: '198.51.100.21' });
    await audit({ at: t + 20 * MINUTE, event: 'login_succeeded', accountId: a.accountId, mailboxId: box.id, mailboxEmail: box.email, clientIp: '198.51.100.99' });
    await audit({ at: t, event: 'login_succeeded', accountId: a.accountId, mailboxId: quiet.id, mailboxEmail: quiet.email, clientIp: '2001:db8:1:2::5' });
    await audit({ at: t + 1, event: 'login_succeeded', accountId: a.accountId, mailboxId: quiet.id, mailboxEmail: quiet.email, clientIp: '2001:db8:1:ffff::9' });
    await round();
    // The first sign-in ever is from a new network; 100 days later the /24 is new again (last seen over 90
    // days before); .99 in the same /24 twenty minutes later is not.
    expect(bodiesFor(box.email).map((b) => [b.type, b.address])).toEqual([
      ['sign_in.new_network', '198.51.100.20'],
      ['sign_in.new_network', '198.51.100.21'],
    ]);
    expect(bodiesFor(box.email)[1]!.summary).toContain('(198.51.100.0/24)');
    expect(bodiesFor(quiet.email).map((b) => b.address)).toEqual(['2001:db8:1:2::5']);
    const notices = sink.messages.filter((m) => m.to.includes(box.email));
    expect(notices).toHaveLength(2);
    expect(notices[0]!.from).toBe('alerts@portal.test');
    expect(notices.filter((m) => m.data.includes('198.51.100.21'))).toHaveLength(1);
    expect(sink.messages.filter((m) => m.to.includes(quiet.email))).toEqual([]);
  });

  it('retries after the receiver answers 500 twice, with the same id (and a fresh signature) each time', async () => {
    const a = await accountWithHook(['admin.security_changed']);
    answers.push(500, 500);
    const before = hook.received.length;
    await audit({ at: Date.now() - MINUTE, event: 'api_key_created', accountId: a.accountId, detail: { admin: a.adminEmail, key: 'ci' } });
    const now = Date.now() + SETTLE_MS + 1;
    await round(now);
    await deliverDueNotifications(now + 5_000);
    expect(hook.received.length - before).toBe(1);
    await deliverDueNotifications(now + 11_000);
    await deliverDueNotifications(now + 11_000 + 31_000);
    const tries = hook.received.slice(before);
    expect(tries).toHaveLength(3);
    const ids = tries.map((t) => (JSON.parse(t.body) as NotificationBody).id);
    expect(new Set(ids).size).toBe(1);
    expect(tries.map((t) => t.body)).toEqual([tries[0]!.body, tries[0]!.body, tries[0]!.body]);
    expect((JSON.parse(tries[0]!.body) as NotificationBody).summary).toContain('created');
    expect(await getDb().select().from(notifyDeliveries).where(eq(notifyDeliveries.eventId, ids[0]!))).toEqual([]);
  });

  it('the rate limit folds a second burst within 15 minutes into a count carried by the next alert', async () => {
    const a = await accountWithHook(['sign_in.refused_burst']);
    const box = await makeMailbox(a.domain);
    const t = Date.now() - 60 * MINUTE;
    const burst = async (start: number) => {
      for (let i = 0; i < 10; i++) await audit({ at: start + i * 1000, event: 'login_failed', accountId: a.accountId, mailboxId: box.id, mailboxEmail: box.email, detail: { reason: 'bad_password' } });
    };
    await burst(t);
    await burst(t + 5 * MINUTE);
    await round();
    expect(bodiesFor(box.email)).toHaveLength(1);
    await burst(t + 25 * MINUTE);
    await round();
    const bodies = bodiesFor(box.email);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]!.summary).toContain('1 more alert of this kind since the previous one was held back');
    expect(bodies[1]!.id).not.toBe(bodies[0]!.id);
  });

  it('reports a mail disconnect undelivered for 10 minutes once, and sends only the types a destination has switched on', async () => {
    const a = await accountWithHook(['mail_kick.failing']);
    const box = await makeMailbox(a.domain);
    const now = Date.now();
    await getDb().insert(mailKicks).values({ accountId: a.accountId, mailboxId: box.id, email: box.email, backend: '*', reason: 'forced_change', createdAt: new Date(now - 10 * MINUTE + 2_000), nextAttemptAt: new Date(now + 60 * MINUTE), attempts: 3, lastError: 'connection refused' });
    await audit({ at: now - MINUTE, event: 'login_succeeded', accountId: a.accountId, mailboxId: box.id, mailboxEmail: box.email, clientIp: '192.0.2.44' });
    await round(now + 1_000);
    expect(bodiesFor(box.email)).toEqual([]);
    await round(now + SETTLE_MS + 10_000);
    await round(now + SETTLE_MS + 20_000);
    const bodies = bodiesFor(box.email);
    expect(bodies.map((b) => b.type)).toEqual(['mail_kick.failing']);
    expect(bodies[0]!.summary).toContain('connection refused');
    await getDb().delete(mailKicks).where(eq(mailKicks.email, box.email));
  });

  it('sends the monitor-mode digest once a day, one per account, naming the mailboxes', async () => {
    const a = await accountWithHook(['allowlist.would_refuse']);
    const box = await makeMailbox(a.domain);
    const job = NOTIFY_JOBS.find((j) => j.name === 'notify_digest')!;
    // Two hours ago, so that the day's refusals are in the past (the reader waits for every row to settle).
    const now = Date.now() - 2 * 60 * MINUTE;
    // Its first run starts the first day (nothing before it is reported).
    expect(await runJob(job, now, HOLDER)).toMatchObject({ status: 'ran', result: '0 digest notifications queued' });
    for (let i = 0; i < 3; i++) await audit({ at: now + 60 * MINUTE + i, event: 'would_refuse', accountId: a.accountId, mailboxId: box.id, mailboxEmail: box.email });
    expect((await runJob(job, now + 23 * 60 * MINUTE, HOLDER)).status).toBe('skipped');
    expect((await runJob(job, now + 24 * 60 * MINUTE + 1, 'another-instance')).result).toMatch(/^[1-9]\d* digest notifications queued$/);
    await deliverDueNotifications(now + 24 * 60 * MINUTE + 2);
    const digest = hook.received.map((h) => JSON.parse(h.body) as NotificationBody).filter((b) => b.type === 'allowlist.would_refuse' && b.summary.includes(box.email));
    expect(digest).toHaveLength(1);
    expect(digest[0]!.summary).toContain(`${box.email} (3)`);
  });

  it('words one event for each destination in its own language (the same id), and the user notice in the mailbox\'s language', async () => {
    const a = await accountWithHook(['sign_in.new_network']);
    const german = await addDestination(a.admin, { kind: 'webhook', url: `${hook.url}?de`, events: ['sign_in.new_network'] }, testContext, { web: await adminStepSession(a.adminId) }, { language: 'de' });
    const mail = await addDestination(a.admin, { kind: 'email', to: `soc-${a.accountId}@example.org`, events: ['sign_in.new_network'], language: 'de' }, testContext, { web: await adminStepSession(a.adminId) }, { language: 'en' });
    const box = await makeMailbox(a.domain);
    await getDb().update(mailboxes).set({ notifyNewNetwork: true }).where(eq(mailboxes.email, box.email));
    await rememberMailboxLanguage(box.id, 'de');
    await audit({ at: Date.now() - MINUTE, event: 'login_succeeded', accountId: a.accountId, mailboxId: box.id, mailboxEmail: box.email, clientIp: '192.0.2.77' });
    await round();
    const hooks = hook.received.filter((h) => h.body.includes(box.email));
    expect(hooks).toHaveLength(2);
    const bodies = hooks.map((h) => JSON.parse(h.body) as NotificationBody);
    expect(bodies.map((b) => b.summary).sort()).toEqual([
      `${box.email} hat sich von 192.0.2.77 über IMAP angemeldet, aus einem Netzwerk (192.0.2.0/24), aus dem in den letzten 90 Tagen keine Anmeldung an diesem Postfach kam.`,
      `${box.email} signed in from 192.0.2.77 over IMAP, a network (192.0.2.0/24) it has not signed in from in the last 90 days.`,
    ]);
    // Field names, type and id stay as they are: the same event for both.
    expect(Object.keys(bodies[0]!)).toEqual(Object.keys(bodies[1]!));
    expect({ ...bodies[0]!, summary: '' }).toEqual({ ...bodies[1]!, summary: '' });
    // The e-mail destination asked for German itself (its input wins over the admin's page language).
    const toSoc = readMail(sink.messages.find((m) => m.to.includes(`soc-${a.accountId}@example.org`))!);
    expect(toSoc.subject).toBe(`[Portcullis] Anmeldung aus einem Netzwerk, das seit 90 Tagen nicht genutzt wurde: ${box.email}`);
    expect(toSoc.text).toContain('Zum Prüfprotokoll: https://portal.example.test/admin/audit?');
    const notice = readMail(sink.messages.find((m) => m.to.includes(box.email))!);
    expect(notice.subject).toBe('Anmeldung an Ihrem Postfach aus einem neuen Netzwerk');
    expect(notice.text).toContain(`An Ihrem Postfach ${box.email} hat sich jemand von 192.0.2.77 über IMAP angemeldet`);
    // Switched back to English: the next alert to it is English.
    await setDestinationLanguage(a.admin, german.id, 'en', testContext);
    // (Another mailbox: this one's next alert of the kind would be held back for 15 minutes.)
    const other = await makeMailbox(a.domain);
    await audit({ at: Date.now() - MINUTE, event: 'login_succeeded', accountId: a.accountId, mailboxId: other.id, mailboxEmail: other.email, clientIp: '203.0.113.78' });
    await round();
    const next = hook.received.filter((h) => h.body.includes('203.0.113.78')).map((h) => (JSON.parse(h.body) as NotificationBody).summary);
    expect(next).toEqual([expect.stringMatching(/ signed in from 203\.0\.113\.78 over IMAP/), expect.stringMatching(/ signed in from 203\.0\.113\.78 over IMAP/)]);
    expect((await listDestinations(a.accountId)).map((d) => [d.id, d.language])).toEqual([
      [a.destinationId, 'en'],
      [german.id, 'en'],
      [mail.id, 'de'],
    ]);
  });
});

import 'server-only';
import { and, asc, eq, gt, inArray, lt, lte, gte, max, sql } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import { accounts, auditEvents, mailboxes, mailKicks, notifyCursors, notifyDestinations, notifyLimits } from '@/db/schema';
import { getDb, type Tx } from '@/db';
import type { Locale } from '@/lib/i18n/locales';
import type { JobContext } from '@/lib/jobs/job';
import type { NotifyEventType } from './events-list';
import { queueDeliveries, type NewDelivery } from './outbox';
import { buildBody } from './payload';
import { digestSummary, isSecurityEvent, mailKickSummary, newNetworkSummary, notifyLocale, refusedBurstSummary, securitySummary, userNewNetworkSummary, withHeldBack, type Summary } from './wording';

/*
 * Alert events (spec §21) are derived from the audit log, the one place every channel already records what
 * happened: one reader, with its position (the last audit id read) saved in the transaction that queues the
 * notifications, under a lease so that one instance reads at a time. Rows are read once they are
 * SETTLE_MS old: on PostgreSQL ids are handed out before commit, so a row with a lower id may become
 * visible after a higher one; waiting a few seconds lets such a transaction commit first (a transaction
 * that writes an audit row and stays open longer than that is not one the code has).
 */

/** Thresholds of spec §21. */
export const BURST_THRESHOLD = 10;
export const BURST_WINDOW_MS = 15 * 60_000;
export const NEW_NETWORK_WINDOW_MS = 90 * 24 * 3_600_000;
export const KICK_FAILING_AFTER_MS = 10 * 60_000;
export const DIGEST_INTERVAL_MS = 24 * 3_600_000;
/** At most one notification per subject and type in this window; the rest are counted into the next. */
export const RATE_WINDOW_MS = 15 * 60_000;
/** How old an audit row must be before the reader takes it (see above). */
export const SETTLE_MS = 5_000;
/** Audit rows read per transaction. */
export const READ_BATCH = 2_000;
const CURSOR = 'audit';

/** An event before rate limiting: `subject` is what the limit counts per (a mailbox, an admin, the digest). */
interface Candidate {
  type: NotifyEventType | 'user.new_network';
  accountId: number;
  subject: string;
  mailbox: string | null;
  address: string | null;
  at: Date;
  /** Worded in each recipient's language when it is queued (lib/notify/wording.ts). */
  summary: Summary;
  auditEvent: string | null;
  /** A user notice: sent to this address, in this language, instead of the account's destinations. */
  toAddress?: string;
  language?: Locale;
}

/** The network a sign-in counts as coming from: IPv4 /24, IPv6 /48 (IPv4-mapped as IPv4). */
export function signInNetwork(address: string | null): string | null {
  if (!address || !ipaddr.isValid(address)) return null;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return `${(parsed as ipaddr.IPv4).octets.slice(0, 3).join('.')}.0/24`;
  const parts = (parsed as ipaddr.IPv6).parts;
  return `${ipaddr.IPv6.parse(`${parts.slice(0, 3).map((p) => p.toString(16)).join(':')}::`).toString()}/48`;
}

type AuditRow = typeof auditEvents.$inferSelect;

/** Refused-sign-in bursts among `rows` (login_failed of existing mailboxes). */
async function burstCandidates(rows: AuditRow[], limits: Map<string, { lastEventAt: Date }>): Promise<Candidate[]> {
  const byMailbox = new Map<number, AuditRow[]>();
  for (const r of rows) if (r.event === 'login_failed' && r.mailboxId !== null && r.accountId !== null) byMailbox.set(r.mailboxId, [...(byMailbox.get(r.mailboxId) ?? []), r]);
  const out: Candidate[] = [];
  for (const [mailboxId, fresh] of byMailbox) {
    const first = fresh[0]!;
    const key = limitKey(first.accountId!, first.mailboxEmail ?? String(mailboxId), 'sign_in.refused_burst');
    // A burst counts refusals since the previous burst (or the window's start): a second burst needs N more.
    let since = limits.get(key)?.lastEventAt.getTime() ?? 0;
    const history = await getDb()
      .select({ id: auditEvents.id, at: auditEvents.at, count: auditEvents.count })
      .from(auditEvents)
      .where(and(eq(auditEvents.mailboxId, mailboxId), eq(auditEvents.event, 'login_failed'), gte(auditEvents.at, new Date(first.at.getTime() - BURST_WINDOW_MS)), lte(auditEvents.id, fresh[fresh.length - 1]!.id)))
      .orderBy(asc(auditEvents.id));
    for (const row of fresh) {
      const from = Math.max(row.at.getTime() - BURST_WINDOW_MS, since);
      const n = history.filter((h) => h.id <= row.id && h.at.getTime() > from && h.at.getTime() <= row.at.getTime()).reduce((sum, h) => sum + h.count, 0);
      if (n < BURST_THRESHOLD) continue;
      since = row.at.getTime();
      out.push({
        type: 'sign_in.refused_burst',
        accountId: row.accountId!,
        subject: row.mailboxEmail ?? String(mailboxId),
        mailbox: row.mailboxEmail,
        address: row.clientIp,
        at: row.at,
        summary: refusedBurstSummary({ mailbox: row.mailboxEmail ?? String(mailboxId), count: n, address: row.clientIp, protocol: row.protocol }),
        auditEvent: 'login_failed',
      });
    }
  }
  return out;
}

/**
 * First successful sign-ins of a mailbox from a network not seen in 90 days (and the user's own notice). One
 * query per mailbox reads its earlier successes of the window (since §19, at most one audit row per address
 * and day), not one per sign-in.
 */
async function newNetworkCandidates(rows: AuditRow[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const successes = rows.filter((r) => r.event === 'login_succeeded' && r.mailboxId !== null && r.accountId !== null && signInNetwork(r.clientIp) !== null);
  if (successes.length === 0) return out;
  const byMailbox = new Map<number, AuditRow[]>();
  for (const r of successes) byMailbox.set(r.mailboxId!, [...(byMailbox.get(r.mailboxId!) ?? []), r]);
  // The mailboxes whose users asked for the notice, and the language each last used on the web.
  const wantsNotice = new Map((await getDb().select({ id: mailboxes.id, language: mailboxes.language }).from(mailboxes).where(and(inArray(mailboxes.id, [...byMailbox.keys()]), eq(mailboxes.notifyNewNetwork, true)))).map((m) => [m.id, notifyLocale(m.language)]));
  for (const [mailboxId, fresh] of byMailbox) {
    const history = await getDb()
      .select({ id: auditEvents.id, at: auditEvents.at, ip: auditEvents.clientIp })
      .from(auditEvents)
      .where(and(eq(auditEvents.mailboxId, mailboxId), eq(auditEvents.event, 'login_succeeded'), gte(auditEvents.at, new Date(fresh[0]!.at.getTime() - NEW_NETWORK_WINDOW_MS)), lte(auditEvents.id, fresh[fresh.length - 1]!.id)));
    const seen = new Map<string, { id: number; at: number }[]>();
    for (const h of history) {
      const network = signInNetwork(h.ip);
      if (network) seen.set(network, [...(seen.get(network) ?? []), { id: h.id, at: h.at.getTime() }]);
    }
    for (const row of fresh) {
      const network = signInNetwork(row.clientIp)!;
      const since = row.at.getTime() - NEW_NETWORK_WINDOW_MS;
      if ((seen.get(network) ?? []).some((e) => e.id < row.id && e.at >= since)) continue;
      const base = { accountId: row.accountId!, subject: row.mailboxEmail ?? String(mailboxId), mailbox: row.mailboxEmail, address: row.clientIp, at: row.at, auditEvent: 'login_succeeded' };
      const words = { mailbox: row.mailboxEmail ?? String(mailboxId), address: row.clientIp!, protocol: row.protocol };
      out.push({ ...base, type: 'sign_in.new_network', summary: newNetworkSummary({ ...words, network }) });
      const language = wantsNotice.get(mailboxId);
      if (language) out.push({ ...base, type: 'user.new_network', summary: userNewNetworkSummary(words), toAddress: row.mailboxEmail!, language });
    }
  }
  return out;
}

function securityCandidates(rows: AuditRow[]): Candidate[] {
  return rows.flatMap((r): Candidate[] => {
    const event = r.event;
    if (!isSecurityEvent(event) || r.accountId === null) return [];
    const admin = typeof r.detail?.admin === 'string' ? r.detail.admin : null;
    return [
      {
        type: 'admin.security_changed',
        accountId: r.accountId,
        // Per admin concerned, not per account: a new API key must not hide behind an admin added a minute before.
        subject: `admin:${admin ?? r.actorEmail ?? 'account'}`,
        mailbox: null,
        address: r.clientIp,
        at: r.at,
        summary: securitySummary({ event, actor: { kind: r.actorKind, email: r.actorEmail }, address: r.clientIp, detail: r.detail ?? null }),
        auditEvent: r.event,
      },
    ];
  });
}

/** Mail disconnects that became 10 minutes old since the last run (each outbox row is reported once). */
async function kickCandidates(from: number, now: number): Promise<Candidate[]> {
  const rows = await getDb()
    .select({ accountId: mailKicks.accountId, email: mailKicks.email, reason: mailKicks.reason, createdAt: mailKicks.createdAt, lastError: mailKicks.lastError })
    .from(mailKicks)
    .where(and(gt(mailKicks.createdAt, new Date(from - KICK_FAILING_AFTER_MS)), lte(mailKicks.createdAt, new Date(now - KICK_FAILING_AFTER_MS))));
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const r of rows) {
    if (r.accountId === null || seen.has(r.email)) continue;
    seen.add(r.email);
    out.push({
      type: 'mail_kick.failing',
      accountId: r.accountId,
      subject: r.email,
      mailbox: r.email,
      address: null,
      at: new Date(r.createdAt.getTime() + KICK_FAILING_AFTER_MS),
      summary: mailKickSummary({ mailbox: r.email, reason: r.reason, error: r.lastError }),
      auditEvent: 'mail_connections_ended',
    });
  }
  return out;
}

/** The daily digest of monitor-mode refusals, one per account, over [from, now). */
async function digestCandidates(from: number, now: number): Promise<Candidate[]> {
  const rows = await getDb()
    .select({ accountId: auditEvents.accountId, mailbox: auditEvents.mailboxEmail, n: sql<number>`sum(${auditEvents.count})` })
    .from(auditEvents)
    .where(and(eq(auditEvents.event, 'would_refuse'), gte(auditEvents.at, new Date(from)), lt(auditEvents.at, new Date(now))))
    .groupBy(auditEvents.accountId, auditEvents.mailboxEmail);
  const byAccount = new Map<number, { mailbox: string | null; count: number }[]>();
  for (const r of rows) if (r.accountId !== null) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), { mailbox: r.mailbox, count: Number(r.n) }]);
  return [...byAccount].map(([accountId, list]) => {
    list.sort((a, b) => b.count - a.count);
    return {
      type: 'allowlist.would_refuse' as const,
      accountId,
      subject: 'digest',
      mailbox: null,
      address: null,
      at: new Date(now),
      summary: digestSummary(list),
      auditEvent: 'would_refuse',
    };
  });
}

function limitKey(accountId: number, subject: string, type: string): string {
  return `${accountId}|${subject}|${type}`;
}

/**
 * Applies the rate limit to the candidates (in order) and queues what passes for every destination of the
 * account that has the type switched on (a user notice: for the mailbox itself). A candidate within
 * RATE_WINDOW_MS of the last one sent for the same subject and type is only counted; the count is told in
 * the next one sent.
 */
async function queueCandidates(tx: Tx, candidates: Candidate[], now: number): Promise<number> {
  if (candidates.length === 0) return 0;
  const accountIds = [...new Set(candidates.map((c) => c.accountId))];
  const names = new Map((await tx.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.id, accountIds))).map((a) => [a.id, a.name]));
  const destinations = await tx.select({ id: notifyDestinations.id, accountId: notifyDestinations.accountId, events: notifyDestinations.events, language: notifyDestinations.language }).from(notifyDestinations).where(inArray(notifyDestinations.accountId, accountIds));
  const deliveries: NewDelivery[] = [];
  for (const c of candidates) {
    const key = limitKey(c.accountId, c.subject, c.type);
    const [limit] = await tx.select().from(notifyLimits).where(eq(notifyLimits.key, key)).limit(1);
    const at = c.at.getTime();
    if (limit?.lastSentAt && at - limit.lastSentAt.getTime() < RATE_WINDOW_MS) {
      await tx.update(notifyLimits).set({ suppressed: sql`${notifyLimits.suppressed} + 1`, lastEventAt: c.at }).where(eq(notifyLimits.key, key));
      continue;
    }
    const folded = limit?.suppressed ?? 0;
    if (limit) await tx.update(notifyLimits).set({ suppressed: 0, lastSentAt: c.at, lastEventAt: c.at }).where(eq(notifyLimits.key, key));
    else await tx.insert(notifyLimits).values({ key, suppressed: 0, lastSentAt: c.at, lastEventAt: c.at });
    const summary = withHeldBack(c.summary, folded);
    if (c.type === 'user.new_network') {
      const language = c.language ?? notifyLocale(null);
      const body = buildBody({ type: 'sign_in.new_network', account: names.get(c.accountId) ?? '', mailbox: c.mailbox, address: c.address, summary: summary(language), at: c.at, auditEvent: c.auditEvent });
      // A user notice is only ever e-mailed: its stored body may carry what the e-mail needs beside the payload.
      deliveries.push({ eventId: body.id, accountId: c.accountId, destinationId: null, toAddress: c.toAddress!, type: 'sign_in.new_network', body: JSON.stringify({ ...body, folded, language }) });
      continue;
    }
    const targets = destinations.filter((d) => d.accountId === c.accountId && d.events.split(',').includes(c.type));
    if (targets.length === 0) continue;
    // One event, one id (receivers de-duplicate on it), worded once per language its destinations read.
    const base = buildBody({ type: c.type, account: names.get(c.accountId) ?? '', mailbox: c.mailbox, address: c.address, summary: '', at: c.at, auditEvent: c.auditEvent });
    const texts = new Map<Locale, string>();
    for (const d of targets) {
      const language = notifyLocale(d.language);
      let text = texts.get(language);
      if (text === undefined) texts.set(language, (text = JSON.stringify({ ...base, summary: summary(language) })));
      deliveries.push({ eventId: base.id, accountId: c.accountId, destinationId: d.id, toAddress: null, type: c.type, body: text });
    }
  }
  await queueDeliveries(tx, deliveries, now);
  return deliveries.length;
}

/**
 * One round of the event reader, inside a run of the `notify_reader` job (once across instances: the job
 * table's lease, lib/jobs/runner.ts): reads the audit rows written since its position, derives the events,
 * rate-limits them and queues their deliveries, and moves its position, all in the transaction of
 * `ctx.complete` (which also records the run, and rolls everything back if the lease was lost). On its first
 * run it starts at the end of the log (no alerts for history). Also reports mail disconnects that turned 10
 * minutes old within the run's window (since, now]. Returns how many audit rows were read and deliveries
 * queued (a full batch read means more may be waiting: the job reads again at once).
 */
export async function readAuditLog(ctx: JobContext): Promise<{ read: number; queued: number }> {
  const now = ctx.now;
  const db = getDb();
  const [cursor] = await db.select({ position: notifyCursors.position }).from(notifyCursors).where(eq(notifyCursors.name, CURSOR)).limit(1);
  if (!cursor) {
    const [end] = await db.select({ id: max(auditEvents.id) }).from(auditEvents).where(lte(auditEvents.at, new Date(now - SETTLE_MS)));
    await ctx.complete((tx) => tx.insert(notifyCursors).values({ name: CURSOR, position: Number(end?.id ?? 0) }).onConflictDoNothing());
    return { read: 0, queued: 0 };
  }
  const read = await db.select().from(auditEvents).where(gt(auditEvents.id, cursor.position)).orderBy(asc(auditEvents.id)).limit(READ_BATCH);
  // Up to the first row that is not settled: one written by an instance whose clock runs ahead waits for
  // the next run rather than being skipped when the position moves past it.
  const unsettled = read.findIndex((r) => r.at.getTime() > now - SETTLE_MS);
  const rows = unsettled < 0 ? read : read.slice(0, unsettled);
  const burstKeys = [...new Set(rows.filter((r) => r.event === 'login_failed' && r.accountId !== null && r.mailboxId !== null).map((r) => limitKey(r.accountId!, r.mailboxEmail ?? String(r.mailboxId), 'sign_in.refused_burst')))];
  const limits = new Map(burstKeys.length ? (await db.select({ key: notifyLimits.key, lastEventAt: notifyLimits.lastEventAt }).from(notifyLimits).where(inArray(notifyLimits.key, burstKeys))).map((l) => [l.key, l]) : []);
  const candidates = [...(await burstCandidates(rows, limits)), ...(await newNetworkCandidates(rows)), ...securityCandidates(rows), ...(await kickCandidates(ctx.since, now))];
  candidates.sort((a, b) => a.at.getTime() - b.at.getTime());
  const position = rows.length ? rows[rows.length - 1]!.id : cursor.position;
  return await ctx.complete(async (tx) => {
    // The lease makes this the only reader; the position moves only from where this round read it, all the same.
    const moved = await tx.update(notifyCursors).set({ position }).where(and(eq(notifyCursors.name, CURSOR), eq(notifyCursors.position, cursor.position))).returning({ position: notifyCursors.position });
    if (moved.length === 0) return { read: 0, queued: 0 };
    return { read: rows.length, queued: await queueCandidates(tx, candidates, now) };
  });
}

/**
 * The daily monitor-mode digest, the run of the `notify_digest` job (once across instances, every
 * DIGEST_INTERVAL_MS): one `allowlist.would_refuse` per account that had such refusals in the run's window
 * [since, now), queued in the transaction that records the run. Returns how many deliveries were queued.
 */
export async function sendDigests(ctx: JobContext): Promise<number> {
  const candidates = await digestCandidates(ctx.since, ctx.now);
  return await ctx.complete((tx) => queueCandidates(tx, candidates, ctx.now));
}

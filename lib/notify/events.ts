import 'server-only';
import { and, asc, eq, gt, inArray, lt, lte, gte, max, sql } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import { accounts, auditEvents, mailboxes, mailKicks, notifyCursors, notifyDestinations, notifyLimits } from '@/db/schema';
import { getDb, transaction, type Tx } from '@/db';
import { auditSentence } from '@/lib/audit-sentence';
import { finishLeasedRound, takeLease } from '@/lib/job-leases';
import type { NotifyEventType } from './events-list';
import { queueDeliveries, type NewDelivery } from './outbox';
import { buildBody } from './payload';

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
const LEASE_MS = 25_000;
export const EVENTS_JOB = 'notify_events';
export const DIGEST_JOB = 'notify_would_refuse_digest';
const CURSOR = 'audit';

/** The audit events that are `admin.security_changed`. */
const SECURITY_EVENTS = ['admin_two_factor_disabled', 'admin_two_factor_reset', 'admin_added', 'admin_deactivated', 'api_key_created', 'account_two_factor_policy_changed', 'account_policy_changed'];

/** An event before rate limiting: `subject` is what the limit counts per (a mailbox, an admin, the digest). */
interface Candidate {
  type: NotifyEventType | 'user.new_network';
  accountId: number;
  subject: string;
  mailbox: string | null;
  address: string | null;
  at: Date;
  summary: string;
  auditEvent: string | null;
  /** A user notice: sent to this address instead of the account's destinations. */
  toAddress?: string;
}

/** The network a sign-in counts as coming from: IPv4 /24, IPv6 /48 (IPv4-mapped as IPv4). */
export function signInNetwork(address: string | null): string | null {
  if (!address || !ipaddr.isValid(address)) return null;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return `${(parsed as ipaddr.IPv4).octets.slice(0, 3).join('.')}.0/24`;
  const parts = (parsed as ipaddr.IPv6).parts;
  return `${ipaddr.IPv6.parse(`${parts.slice(0, 3).map((p) => p.toString(16)).join(':')}::`).toString()}/48`;
}

const via = (protocol: string | null) => (protocol && protocol !== 'web' ? ` over ${protocol === 'api' ? 'the API' : protocol.toUpperCase()}` : '');
const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

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
        summary: `${row.mailboxEmail} was refused ${plural(n, 'sign-in', 'sign-ins')} within 15 minutes, the last from ${row.clientIp ?? 'an unknown address'}${via(row.protocol)}. Someone may be guessing its password.`,
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
  const wantsNotice = new Set((await getDb().select({ id: mailboxes.id }).from(mailboxes).where(and(inArray(mailboxes.id, [...byMailbox.keys()]), eq(mailboxes.notifyNewNetwork, true)))).map((m) => m.id));
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
      out.push({ ...base, type: 'sign_in.new_network', summary: `${row.mailboxEmail} signed in from ${row.clientIp}${via(row.protocol)}, a network (${network}) it has not signed in from in the last 90 days.` });
      if (wantsNotice.has(mailboxId)) out.push({ ...base, type: 'user.new_network', summary: `Your mailbox ${row.mailboxEmail} was signed in to from ${row.clientIp}${via(row.protocol)}, a network it has not been used from in the last 90 days.`, toAddress: row.mailboxEmail! });
    }
  }
  return out;
}

function securityCandidates(rows: AuditRow[]): Candidate[] {
  return rows
    .filter((r) => SECURITY_EVENTS.includes(r.event) && r.accountId !== null)
    .map((r) => {
      const admin = typeof r.detail?.admin === 'string' ? r.detail.admin : null;
      return {
        type: 'admin.security_changed' as const,
        accountId: r.accountId!,
        // Per admin concerned, not per account: a new API key must not hide behind an admin added a minute before.
        subject: `admin:${admin ?? r.actorEmail ?? 'account'}`,
        mailbox: null,
        address: r.clientIp,
        at: r.at,
        summary: `${auditSentence({ event: r.event, mailboxEmail: r.mailboxEmail, actorKind: r.actorKind, actorEmail: r.actorEmail, clientIp: r.clientIp, protocol: r.protocol, detail: r.detail ?? null })}.`.replace(/\.\.$/, '.'),
        auditEvent: r.event,
      };
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
      summary: `The open mail connections of ${r.email} should have been ended 10 minutes ago (${r.reason.replace(/_/g, ' ')}), but the mail server has not confirmed it${r.lastError ? ` (${r.lastError})` : ''}. Mail apps signed in before the change may still be connected.`,
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
  const byAccount = new Map<number, { mailbox: string; n: number }[]>();
  for (const r of rows) if (r.accountId !== null) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), { mailbox: r.mailbox ?? 'a mailbox', n: Number(r.n) }]);
  return [...byAccount].map(([accountId, list]) => {
    list.sort((a, b) => b.n - a.n);
    const total = list.reduce((s, r) => s + r.n, 0);
    const named = list.slice(0, 10).map((r) => `${r.mailbox} (${r.n})`).join(', ');
    return {
      type: 'allowlist.would_refuse' as const,
      accountId,
      subject: 'digest',
      mailbox: null,
      address: null,
      at: new Date(now),
      summary: `In the last day, lists in monitor mode would have refused ${plural(total, 'sign-in or request', 'sign-ins or requests')} of ${plural(list.length, 'mailbox', 'mailboxes')}: ${named}${list.length > 10 ? ', …' : ''}. Nothing was refused; check the lists before you enforce them.`,
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
  const destinations = await tx.select({ id: notifyDestinations.id, accountId: notifyDestinations.accountId, events: notifyDestinations.events }).from(notifyDestinations).where(inArray(notifyDestinations.accountId, accountIds));
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
    const summary = folded > 0 ? `${c.summary} ${plural(folded, 'more alert', 'more alerts')} of this kind since the previous one ${folded === 1 ? 'was' : 'were'} held back (at most one per 15 minutes).` : c.summary;
    if (c.type === 'user.new_network') {
      const body = buildBody({ type: 'sign_in.new_network', account: names.get(c.accountId) ?? '', mailbox: c.mailbox, address: c.address, summary, at: c.at, auditEvent: c.auditEvent });
      deliveries.push({ eventId: body.id, accountId: c.accountId, destinationId: null, toAddress: c.toAddress!, type: 'sign_in.new_network', body: JSON.stringify({ ...body, folded }) });
      continue;
    }
    const targets = destinations.filter((d) => d.accountId === c.accountId && d.events.split(',').includes(c.type));
    if (targets.length === 0) continue;
    const body = buildBody({ type: c.type, account: names.get(c.accountId) ?? '', mailbox: c.mailbox, address: c.address, summary, at: c.at, auditEvent: c.auditEvent });
    const text = JSON.stringify(body);
    for (const d of targets) deliveries.push({ eventId: body.id, accountId: c.accountId, destinationId: d.id, toAddress: null, type: c.type, body: text });
  }
  await queueDeliveries(tx, deliveries, now);
  return deliveries.length;
}

/**
 * One run of the event reader (once across instances: under the `notify_events` lease): reads the audit rows
 * written since its position, derives the events, rate-limits them and queues their deliveries, and moves
 * its position, all in one transaction. On its first run it starts at the end of the log (no alerts for
 * history). Also reports mail disconnects that turned 10 minutes old, and, once a day, the monitor-mode
 * digest. Returns how many audit rows were read and deliveries queued, or null when another instance holds the
 * job (a full batch read means more may be waiting: the worker runs it again at once).
 */
export async function detectEvents(holder: string, now = Date.now()): Promise<{ read: number; queued: number } | null> {
  const lastRun = await takeLease(EVENTS_JOB, holder, now, LEASE_MS);
  if (lastRun === null) return null;
  const db = getDb();
  const [cursor] = await db.select({ position: notifyCursors.position }).from(notifyCursors).where(eq(notifyCursors.name, CURSOR)).limit(1);
  if (!cursor) {
    const [end] = await db.select({ id: max(auditEvents.id) }).from(auditEvents).where(lte(auditEvents.at, new Date(now - SETTLE_MS)));
    await db.insert(notifyCursors).values({ name: CURSOR, position: Number(end?.id ?? 0) }).onConflictDoNothing();
    await transaction((tx) => finishLeasedRound(tx, EVENTS_JOB, holder, now));
    return { read: 0, queued: 0 };
  }
  const read = await db.select().from(auditEvents).where(gt(auditEvents.id, cursor.position)).orderBy(asc(auditEvents.id)).limit(READ_BATCH);
  // Up to the first row that is not settled: one written by an instance whose clock runs ahead waits for
  // the next run rather than being skipped when the position moves past it.
  const unsettled = read.findIndex((r) => r.at.getTime() > now - SETTLE_MS);
  const rows = unsettled < 0 ? read : read.slice(0, unsettled);
  const burstKeys = [...new Set(rows.filter((r) => r.event === 'login_failed' && r.accountId !== null && r.mailboxId !== null).map((r) => limitKey(r.accountId!, r.mailboxEmail ?? String(r.mailboxId), 'sign_in.refused_burst')))];
  const limits = new Map(burstKeys.length ? (await db.select({ key: notifyLimits.key, lastEventAt: notifyLimits.lastEventAt }).from(notifyLimits).where(inArray(notifyLimits.key, burstKeys))).map((l) => [l.key, l]) : []);
  const candidates = [...(await burstCandidates(rows, limits)), ...(await newNetworkCandidates(rows)), ...securityCandidates(rows), ...(await kickCandidates(lastRun.getTime(), now))];
  candidates.sort((a, b) => a.at.getTime() - b.at.getTime());
  const position = rows.length ? rows[rows.length - 1]!.id : cursor.position;
  return await transaction(async (tx) => {
    if (!(await finishLeasedRound(tx, EVENTS_JOB, holder, now))) return null;
    const moved = await tx.update(notifyCursors).set({ position }).where(and(eq(notifyCursors.name, CURSOR), eq(notifyCursors.position, cursor.position))).returning({ position: notifyCursors.position });
    if (moved.length === 0) return null;
    return { read: rows.length, queued: await queueCandidates(tx, candidates, now) };
  });
}

/**
 * The daily monitor-mode digest (once across instances, under its own lease): when a day has passed since
 * the last one, one `allowlist.would_refuse` per account that had such refusals. Returns how many deliveries
 * were queued, or null when not due or held elsewhere.
 */
export async function sendDigests(holder: string, now = Date.now()): Promise<number | null> {
  const lastRun = await takeLease(DIGEST_JOB, holder, now, LEASE_MS);
  if (lastRun === null || now - lastRun.getTime() < DIGEST_INTERVAL_MS) return null;
  const candidates = await digestCandidates(lastRun.getTime(), now);
  return await transaction(async (tx) => {
    if (!(await finishLeasedRound(tx, DIGEST_JOB, holder, now))) return null;
    return await queueCandidates(tx, candidates, now);
  });
}

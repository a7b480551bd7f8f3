import 'server-only';
import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { auditEvents, signInDays, signInSummaries, type ActorKind, type Protocol } from '@/db/schema';
import { getDb, groupCommit, prepareAs, preparedOnce, preparedWrites, type Db, type Tx } from '@/db';
import type { PreparableWrite } from '@/db/connection';
import { reportSecurityEvent } from '@/lib/ops/security-events';
import { pruneThrottleRows } from '@/lib/auth/throttle';

/** Who did something, and from where. Passed from the edge (page, action, RPC, CLI) into the domain service. */
export interface AuditContext {
  actor: { kind: ActorKind; id?: number | null; email?: string | null };
  clientIp?: string | null;
  userAgent?: string | null;
  protocol?: Protocol | null;
}

export interface AuditRecord {
  event: string;
  accountId?: number | null;
  mailboxId?: number | null;
  mailboxEmail?: string | null;
  detail?: Record<string, unknown>;
}

const rowPlaceholders = () => {
  const p = <N extends string>(name: N) => sql.placeholder(name);
  return {
    at: p('at'),
    accountId: p('accountId'),
    actorKind: p('actorKind'),
    actorId: p('actorId'),
    actorEmail: p('actorEmail'),
    mailboxId: p('mailboxId'),
    mailboxEmail: p('mailboxEmail'),
    event: p('event'),
    clientIp: p('clientIp'),
    userAgent: p('userAgent'),
    protocol: p('protocol'),
    detail: p('detail'),
  };
};

// Every throttled attempt runs it (a flood of them is what aggregation is for): built once, run with
// `.execute(values)` (db/index.ts preparedOnce).
const aggregateStatement = preparedOnce((db) =>
  prepareAs(
    'audit_aggregate',
    db
      .insert(auditEvents)
      .values({ ...rowPlaceholders(), aggregateKey: sql.placeholder('aggregateKey'), count: 1 })
      .onConflictDoUpdate({ target: auditEvents.aggregateKey, set: { count: sql`${auditEvents.count} + 1`, lastAt: sql`excluded.at` } }),
  ),
);

// Every login (mail clients reconnect all day) and every other audited change runs it: built once, instead of
// drizzle building the INSERT's text anew for each row.
const insertStatement = preparedOnce((db) => prepareAs('audit_insert', db.insert(auditEvents).values(rowPlaceholders())));

/** The columns of one audit row, shared by the plain and the aggregated insert. */
function auditRow(ctx: AuditContext, record: AuditRecord, at: Date) {
  return {
    at,
    accountId: record.accountId ?? null,
    actorKind: ctx.actor.kind,
    actorId: ctx.actor.id ?? null,
    actorEmail: ctx.actor.email ?? null,
    mailboxId: record.mailboxId ?? null,
    mailboxEmail: record.mailboxEmail ?? null,
    event: record.event,
    clientIp: ctx.clientIp ?? null,
    // Browsers send long strings; the trail needs enough to recognise a client, not an unbounded blob.
    userAgent: ctx.userAgent ? ctx.userAgent.slice(0, 300) : null,
    protocol: ctx.protocol ?? null,
    detail: record.detail ?? null,
  };
}

/**
 * Appends one audit row; call it inside the transaction of the change it records and pass that `tx` (on
 * PostgreSQL the transaction is its own connection).
 */
export async function recordAudit(within: Db | Tx, ctx: AuditContext, record: AuditRecord): Promise<void> {
  // `within` says which transaction the row belongs to: the prepared insert runs on the process's handle, and
  // inside a transaction the engine runs it as part of that transaction (db/connection.ts), like the
  // aggregated upsert below.
  await insertStatement().execute(auditRow(ctx, record, new Date()));
  // The log line and the counters of /metrics (never the detail's values beyond the reason).
  reportSecurityEvent({ ...record, actorKind: ctx.actor.kind, actorEmail: ctx.actor.email, clientIp: ctx.clientIp, protocol: ctx.protocol });
}

/**
 * A hot change together with the audit row that records it, as one prepared unit (db/'s preparedWrites: the
 * group commit on SQLite, one statement on PostgreSQL), for changes made on every request (a login). `change`
 * builds the change with placeholders of its own names (none of the audit row's: at, accountId, actorKind,
 * actorId, actorEmail, mailboxId, mailboxEmail, event, clientIp, userAgent, protocol, detail). The returned
 * function commits both and then reports the event, as recordAudit does; never call it inside `transaction`.
 */
export function auditedChange<P extends Record<string, unknown>>(name: string, change: (db: Db) => PreparableWrite): (params: P, ctx: AuditContext, record: AuditRecord) => Promise<void> {
  const writes = preparedWrites<P & ReturnType<typeof auditRow>>(name, (db) => [change(db), db.insert(auditEvents).values(rowPlaceholders())]);
  return async (params, ctx, record) => {
    await writes().commit({ ...params, ...auditRow(ctx, record, new Date()) });
    reportSecurityEvent({ ...record, actorKind: ctx.actor.kind, actorEmail: ctx.actor.email, clientIp: ctx.clientIp, protocol: ctx.protocol });
  };
}

/** The window of aggregated audit rows: one row per key and quarter hour. */
export const AUDIT_AGGREGATE_WINDOW_MS = 15 * 60_000;

/**
 * Records a refusal that cost the caller nothing (a throttled attempt, an ended session's repeated request)
 * as one row per `key` and window, counting repeats in `count` (and the latest time in `last_at`), so that
 * an attacker cannot grow the log without bound by repeating a free request (spec §12). The row keeps the
 * first occurrence's context.
 */
export async function recordAggregatedAudit(ctx: AuditContext, record: AuditRecord, key: string, now = Date.now()): Promise<void> {
  await aggregatedWrite(ctx, record, key, now)(getDb());
  reportAggregated(ctx, record);
}

/**
 * recordAggregatedAudit for a refusal that may come in a flood (a throttled sign-in): the row's upsert joins
 * the group commit (db/index.ts) instead of committing alone, and the returned promise resolves once it is
 * committed, so the caller still answers only after the refusal is counted.
 */
export function recordAggregatedAuditGrouped(ctx: AuditContext, record: AuditRecord, key: string, now = Date.now()): Promise<void> {
  const write = aggregatedWrite(ctx, record, key, now);
  // Reported now, inside the request (its log line carries the request id); the row follows within milliseconds.
  reportAggregated(ctx, record);
  return groupCommit(write);
}

function aggregatedWrite(ctx: AuditContext, record: AuditRecord, key: string, now: number): (within: Db | Tx) => Promise<void> {
  const window = Math.floor(now / AUDIT_AGGREGATE_WINDOW_MS);
  const row = { ...auditRow(ctx, record, new Date(now)), aggregateKey: `${record.event}|${key}|${window}` };
  // The prepared upsert runs on the process's handle; inside a transaction (groupCommit's `within`) the
  // engine runs it as part of that transaction (db/connection.ts).
  return async () => void (await aggregateStatement().execute(row));
}

// Every occurrence still reaches the log and the counters of /metrics: only the table is aggregated.
function reportAggregated(ctx: AuditContext, record: AuditRecord): void {
  reportSecurityEvent({ ...record, actorKind: ctx.actor.kind, actorEmail: ctx.actor.email, clientIp: ctx.clientIp, protocol: ctx.protocol });
}

/**
 * Rows deleted per statement when pruning: small enough that a sign-in waits at most one batch (on SQLite a
 * statement holds the process while it runs; 500 rows with their index entries take a few milliseconds).
 */
export const PRUNE_BATCH = 100;

/**
 * Deletes audit rows older than `days` (AUDIT_RETENTION_DAYS), and the sign-in summaries and day counts of
 * the same age (they stand for the success rows they replace: lib/sign-in-summaries); returns how many audit
 * rows. In batches of `batch` rows, oldest first, each its own statement with a turn of the event loop
 * between: a million expired rows never hold the database (SQLite's one writer, PostgreSQL's locks and WAL)
 * in one long statement, and sign-ins run between the batches.
 */
export async function pruneAudit(days: number, now = Date.now(), batch = PRUNE_BATCH): Promise<number> {
  const cutoff = new Date(now - days * 24 * 60 * 60_000);
  let total = 0;
  // Every row older than the newest one a batch deleted is gone (a batch takes the oldest rows): the next batch
  // starts its index range there. Without the bound each batch would walk again over the index entries of the
  // rows deleted before it, which PostgreSQL keeps until VACUUM: quadratic over a million rows.
  let from: Date | null = null;
  for (;;) {
    const oldest = getDb()
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(lt(auditEvents.at, cutoff), from ? gte(auditEvents.at, from) : undefined))
      .orderBy(auditEvents.at)
      .limit(batch);
    const deleted = await getDb().delete(auditEvents).where(inArray(auditEvents.id, oldest)).returning({ id: auditEvents.id, at: auditEvents.at });
    total += deleted.length;
    if (deleted.length < batch) break;
    from = new Date(Math.max(...deleted.map((r) => r.at.getTime())));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await getDb().delete(signInSummaries).where(lt(signInSummaries.lastSeen, cutoff));
  await getDb().delete(signInDays).where(lt(signInDays.day, cutoff.toISOString().slice(0, 10)));
  return total;
}

export const SIGN_IN_EVENTS = ['login_succeeded', 'login_failed'] as const;

export interface SignInEvent {
  at: Date;
  event: string;
  clientIp: string | null;
  protocol: Protocol | null;
  reason: string | null;
  userAgent: string | null;
}

/** A mailbox's recent sign-in attempts (web, API and mail protocols), newest first. */
export async function recentSignIns(mailboxId: number, limit = 20, since?: Date): Promise<SignInEvent[]> {
  const rows = await getDb()
    .select({ at: auditEvents.at, event: auditEvents.event, clientIp: auditEvents.clientIp, protocol: auditEvents.protocol, detail: auditEvents.detail, userAgent: auditEvents.userAgent })
    .from(auditEvents)
    .where(and(eq(auditEvents.mailboxId, mailboxId), inArray(auditEvents.event, [...SIGN_IN_EVENTS])))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit);
  return rows
    .filter((r) => !since || r.at >= since)
    .map((r) => ({ at: r.at, event: r.event, clientIp: r.clientIp, protocol: r.protocol, reason: typeof r.detail?.reason === 'string' ? r.detail.reason : null, userAgent: r.userAgent }));
}

/**
 * The operator's `audit prune`: audit rows older than `days`, throttling rows past every window and known
 * networks older than 30 days, in one go; the pruning itself is audited.
 */
export async function pruneExpiredRecords(days: number, ctx: AuditContext, now = Date.now()): Promise<{ auditRows: number; throttleRows: number; knownNetworks: number }> {
  const auditRows = await pruneAudit(days, now);
  const { attempts, knownNetworks } = await pruneThrottleRows(now);
  await recordAudit(getDb(), ctx, { event: 'audit_pruned', detail: { days, auditRows, throttleRows: attempts, knownNetworks } });
  return { auditRows, throttleRows: attempts, knownNetworks };
}

import 'server-only';
import crypto from 'node:crypto';
import { and, count, eq, gt, isNotNull, lte, sql } from 'drizzle-orm';
import { notifyDeliveries, notifyDestinations } from '@/db/schema';
import { getDb, type Db, type Tx } from '@/db';
import { forUpdateSkipLocked } from '@/db/sql';

/**
 * The notification outbox, claimed like lib/mail-kick/outbox.ts's: every function is one statement, atomic on
 * both engines; `next_attempt_at` doubles as the lease, so each row is held by one worker across instances.
 */

/** At-least-once for this long (spec §21), then the row is given up (and the destination marked failing). */
export const DELIVERY_WINDOW_MS = 24 * 3_600_000;

/** Waits between tries: quick at first, then at most an hour apart, for DELIVERY_WINDOW_MS. */
const BACKOFF_MS = [10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000, 3_600_000];
export function notifyRetryDelayMs(attempts: number): number {
  return BACKOFF_MS[Math.min(Math.max(attempts, 1), BACKOFF_MS.length) - 1]!;
}

export type NewDelivery = Pick<typeof notifyDeliveries.$inferInsert, 'eventId' | 'accountId' | 'destinationId' | 'toAddress' | 'type' | 'body'>;

/** Queues deliveries in the caller's transaction, due at once. */
export async function queueDeliveries(within: Db | Tx, rows: readonly NewDelivery[], now: number): Promise<void> {
  const values = rows.map((r) => ({ ...r, createdAt: new Date(now), nextAttemptAt: new Date(now), attempts: 0 }));
  for (let i = 0; i < values.length; i += 200) await within.insert(notifyDeliveries).values(values.slice(i, i + 200));
}

export interface ClaimedDelivery {
  id: number;
  eventId: string;
  accountId: number | null;
  destinationId: number | null;
  toAddress: string | null;
  type: string;
  body: string;
  createdAt: Date;
  attempts: number;
  claimToken: string;
}

/** Claims up to `limit` due rows for `leaseMs` (one UPDATE … RETURNING; locked rows are skipped on PostgreSQL). */
export async function claimDueDeliveries(now: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
  const token = crypto.randomBytes(12).toString('base64url');
  const due = sql`(SELECT ${notifyDeliveries.id} FROM ${notifyDeliveries} WHERE ${notifyDeliveries.nextAttemptAt} <= ${now} ORDER BY ${notifyDeliveries.nextAttemptAt}, ${notifyDeliveries.id} LIMIT ${limit}${forUpdateSkipLocked()})`;
  const rows = await getDb()
    .update(notifyDeliveries)
    .set({ nextAttemptAt: new Date(now + leaseMs), claimToken: token, attempts: sql`${notifyDeliveries.attempts} + 1` })
    .where(and(sql`${notifyDeliveries.id} IN ${due}`, lte(notifyDeliveries.nextAttemptAt, new Date(now))))
    .returning({
      id: notifyDeliveries.id,
      eventId: notifyDeliveries.eventId,
      accountId: notifyDeliveries.accountId,
      destinationId: notifyDeliveries.destinationId,
      toAddress: notifyDeliveries.toAddress,
      type: notifyDeliveries.type,
      body: notifyDeliveries.body,
      createdAt: notifyDeliveries.createdAt,
      attempts: notifyDeliveries.attempts,
    });
  return rows.map((r) => ({ ...r, claimToken: token }));
}

/** A delivered (or given-up) row leaves the outbox, only by the claimer still holding it. */
export async function removeDelivery(row: Pick<ClaimedDelivery, 'id' | 'claimToken'>): Promise<boolean> {
  return (await getDb().delete(notifyDeliveries).where(and(eq(notifyDeliveries.id, row.id), eq(notifyDeliveries.claimToken, row.claimToken))).returning({ id: notifyDeliveries.id })).length > 0;
}

/** A failed row waits until `at` (only by the claimer still holding it). */
export async function retryDeliveryAt(row: Pick<ClaimedDelivery, 'id' | 'claimToken'>, at: number, error: string): Promise<void> {
  await getDb()
    .update(notifyDeliveries)
    .set({ nextAttemptAt: new Date(at), claimToken: null, lastError: error.slice(0, 200) })
    .where(and(eq(notifyDeliveries.id, row.id), eq(notifyDeliveries.claimToken, row.claimToken)));
}

/** A destination's latest outcome: a success clears its failure count, a failure adds one. */
export async function markDestination(id: number, ok: boolean, now: number, error?: string): Promise<void> {
  await getDb()
    .update(notifyDestinations)
    .set(ok ? { failures: 0, lastSuccessAt: new Date(now), lastError: null } : { failures: sql`${notifyDestinations.failures} + 1`, lastFailureAt: new Date(now), lastError: (error ?? '').slice(0, 200) })
    .where(eq(notifyDestinations.id, id));
}

/** Undelivered notifications (every account): all of them, and those that failed at least once. */
export async function pendingDeliveries(): Promise<{ pending: number; failing: number }> {
  const db = getDb();
  const [all] = await db.select({ n: count() }).from(notifyDeliveries);
  const [failing] = await db.select({ n: count() }).from(notifyDeliveries).where(and(gt(notifyDeliveries.attempts, 0), isNotNull(notifyDeliveries.lastError)));
  return { pending: Number(all?.n ?? 0), failing: Number(failing?.n ?? 0) };
}

/** A destination counts as failing from this many failed tries in a row (the admin overview names it). */
export const FAILING_AFTER = 3;

/** The account's destinations that keep failing, for the admin overview. */
export async function failingDestinations(accountId: number): Promise<{ id: number; label: string; target: string; failures: number; lastError: string | null; lastSuccessAt: Date | null }[]> {
  const rows = await getDb()
    .select({ id: notifyDestinations.id, label: notifyDestinations.label, url: notifyDestinations.url, emailTo: notifyDestinations.emailTo, failures: notifyDestinations.failures, lastError: notifyDestinations.lastError, lastSuccessAt: notifyDestinations.lastSuccessAt })
    .from(notifyDestinations)
    .where(and(eq(notifyDestinations.accountId, accountId), sql`${notifyDestinations.failures} >= ${FAILING_AFTER}`));
  return rows.map((r) => ({ id: r.id, label: r.label, target: r.url ?? r.emailTo ?? '', failures: r.failures, lastError: r.lastError, lastSuccessAt: r.lastSuccessAt }));
}

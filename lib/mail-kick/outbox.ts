import 'server-only';
import crypto from 'node:crypto';
import { and, asc, count, eq, gt, inArray, lte, min, sql } from 'drizzle-orm';
import { jobLeases, mailKicks } from '@/db/schema';
import { getDb, type Db, type Tx } from '@/db';
import { forUpdateSkipLocked } from '@/db/sql';
import { env } from '@/lib/env';

/**
 * The outbox of mail disconnects (spec §18): rows written in the transaction of the change that takes a
 * mailbox's access away, delivered by lib/mail-kick/worker.ts. Every function here is one statement, atomic
 * on both engines.
 */

/** A mailbox whose open mail connections must end. */
export interface KickTarget {
  id: number | null;
  email: string;
  accountId: number | null;
}

/** Why connections are ended: stored with the row, shown in the audit row. */
export type KickReason = 'forced_change' | 'deactivated' | 'password' | 'sessions_ended' | 'list' | 'mode' | 'set' | 'expiry' | 'deleted' | 'two_factor' | 'app_password_revoked';

/** Whether MAIL_KICK_URL is set: when not, open mail connections are not ended (the admin pages say so). */
export function mailKickEnabled(): boolean {
  return env().MAIL_KICK_URL.length > 0;
}

/**
 * Ends the open mail connections of `targets` on every configured backend, once `within` commits: the one
 * function every trigger calls, inside the transaction of its change (pass that `tx`), so the change and the
 * disconnect are saved together or not at all. No-op when MAIL_KICK_URL is unset.
 */
export async function endMailConnections(within: Db | Tx, targets: readonly KickTarget[], reason: KickReason, now = Date.now()): Promise<void> {
  const backends = env().MAIL_KICK_URL;
  if (backends.length === 0 || targets.length === 0) return;
  const seen = new Set<string>();
  const rows: (typeof mailKicks.$inferInsert)[] = [];
  for (const target of targets) {
    if (seen.has(target.email)) continue;
    seen.add(target.email);
    for (const backend of backends) {
      rows.push({ accountId: target.accountId, mailboxId: target.id, email: target.email, backend, reason, createdAt: new Date(now), nextAttemptAt: new Date(now), attempts: 0 });
    }
  }
  // Chunks keep each INSERT under SQLite's bound-parameter limit on a bulk change of thousands of mailboxes.
  for (let i = 0; i < rows.length; i += 500) await within.insert(mailKicks).values(rows.slice(i, i + 500));
}

/** One claimed row, as the worker delivers it. */
export interface ClaimedKick {
  id: number;
  accountId: number | null;
  mailboxId: number | null;
  email: string;
  backend: string;
  reason: string;
  createdAt: Date;
  attempts: number;
  claimToken: string;
}

/** Whether a row for one of `backends` is due (cheap, no lock): the worker claims only then, so an idle outbox costs a read. */
export async function anyDueKick(now: number, backends: readonly string[]): Promise<boolean> {
  if (backends.length === 0) return false;
  return (await getDb().select({ id: mailKicks.id }).from(mailKicks).where(and(lte(mailKicks.nextAttemptAt, new Date(now)), inArray(mailKicks.backend, [...backends]))).limit(1)).length > 0;
}

/**
 * Claims up to `limit` due rows for `leaseMs`: in one UPDATE … RETURNING, the rows get a fresh claim token,
 * one more attempt and a next_attempt_at at the lease's end. Of concurrent claimers (threads, instances)
 * exactly one gets each row: PostgreSQL locks the picked rows and skips rows others hold, and a row's
 * UPDATE re-checks that it is still due. A claimer that dies leaves the row due again at the lease's end.
 * Only rows for `backends` (the claimer's own MAIL_KICK_URL) are claimed: an instance configured without a
 * backend (or with none) never takes, and never drops, another instance's row.
 */
export async function claimDueKicks(now: number, leaseMs: number, limit: number, backends: readonly string[]): Promise<ClaimedKick[]> {
  if (backends.length === 0) return [];
  const token = crypto.randomBytes(12).toString('base64url');
  const due = sql`(SELECT ${mailKicks.id} FROM ${mailKicks} WHERE ${mailKicks.nextAttemptAt} <= ${now} AND ${inArray(mailKicks.backend, [...backends])} ORDER BY ${mailKicks.nextAttemptAt}, ${mailKicks.id} LIMIT ${limit}${forUpdateSkipLocked()})`;
  const rows = await getDb()
    .update(mailKicks)
    .set({ nextAttemptAt: new Date(now + leaseMs), claimToken: token, attempts: sql`${mailKicks.attempts} + 1` })
    .where(and(sql`${mailKicks.id} IN ${due}`, lte(mailKicks.nextAttemptAt, new Date(now))))
    .returning({
      id: mailKicks.id,
      accountId: mailKicks.accountId,
      mailboxId: mailKicks.mailboxId,
      email: mailKicks.email,
      backend: mailKicks.backend,
      reason: mailKicks.reason,
      createdAt: mailKicks.createdAt,
      attempts: mailKicks.attempts,
    });
  return rows.map((r) => ({ ...r, claimToken: token }));
}

/** A delivered row leaves the outbox (only by the claimer still holding it). */
export async function completeKick(kick: Pick<ClaimedKick, 'id' | 'claimToken'>): Promise<boolean> {
  return (await getDb().delete(mailKicks).where(and(eq(mailKicks.id, kick.id), eq(mailKicks.claimToken, kick.claimToken))).returning({ id: mailKicks.id })).length > 0;
}

/** A failed row waits until `nextAttemptAt` (only by the claimer still holding it); `error` is shown to admins. */
export async function retryKickLater(kick: Pick<ClaimedKick, 'id' | 'claimToken'>, nextAttemptAt: number, error: string): Promise<boolean> {
  const updated = await getDb()
    .update(mailKicks)
    .set({ nextAttemptAt: new Date(nextAttemptAt), claimToken: null, lastError: error.slice(0, 200) })
    .where(and(eq(mailKicks.id, kick.id), eq(mailKicks.claimToken, kick.claimToken)))
    .returning({ id: mailKicks.id });
  return updated.length > 0;
}

/** Undelivered disconnects: how many, how many have failed at least once, the oldest, and the error of the oldest failing one. */
export interface PendingKicks {
  pending: number;
  failing: number;
  oldestAt: Date | null;
  lastError: string | null;
}

/** The outbox's state for /metrics (every account) or the admin overview (`accountId`: that account only). */
export async function pendingKicks(accountId?: number): Promise<PendingKicks> {
  const db = getDb();
  const scope = accountId === undefined ? undefined : eq(mailKicks.accountId, accountId);
  const [totals] = await db.select({ n: count(), oldest: min(mailKicks.createdAt) }).from(mailKicks).where(scope);
  const [failing] = await db.select({ n: count() }).from(mailKicks).where(and(scope, gt(mailKicks.attempts, 0), sql`${mailKicks.lastError} IS NOT NULL`));
  const [latest] = await db
    .select({ error: mailKicks.lastError })
    .from(mailKicks)
    .where(and(scope, sql`${mailKicks.lastError} IS NOT NULL`))
    .orderBy(asc(mailKicks.createdAt))
    .limit(1);
  const oldest = totals?.oldest as Date | number | null | undefined;
  return {
    pending: Number(totals?.n ?? 0),
    failing: Number(failing?.n ?? 0),
    oldestAt: oldest == null ? null : new Date(oldest),
    lastError: latest?.error ?? null,
  };
}

/**
 * Takes (or renews) the lease of a periodic job for `leaseMs` when it is free, expired or already this
 * holder's, in one UPDATE … RETURNING; returns the job's last run, or null when another instance holds it.
 * The row is created on first use with `now` as its last run.
 */
export async function takeJobLease(name: string, holder: string, now: number, leaseMs: number): Promise<Date | null> {
  const db = getDb();
  await db.insert(jobLeases).values({ name, holder: null, leaseUntil: new Date(0), lastRunAt: new Date(now) }).onConflictDoNothing();
  const [row] = await db
    .update(jobLeases)
    .set({ holder, leaseUntil: new Date(now + leaseMs) })
    .where(and(eq(jobLeases.name, name), sql`(${jobLeases.leaseUntil} <= ${now} OR ${jobLeases.holder} = ${holder})`))
    .returning({ lastRunAt: jobLeases.lastRunAt });
  return row ? row.lastRunAt : null;
}

/** Records a job's run up to `until`, inside the transaction that saved its results; false if the lease was lost. */
export async function finishJobRun(within: Db | Tx, name: string, holder: string, until: number): Promise<boolean> {
  const updated = await within
    .update(jobLeases)
    .set({ lastRunAt: new Date(until) })
    .where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)))
    .returning({ name: jobLeases.name });
  return updated.length > 0;
}

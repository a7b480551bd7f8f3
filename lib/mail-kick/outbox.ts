import 'server-only';
import crypto from 'node:crypto';
import { and, asc, count, eq, gt, inArray, lte, min, sql } from 'drizzle-orm';
import { mailKicks } from '@/db/schema';
import { getDb, transaction, type Db, type Tx } from '@/db';
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
export type KickReason = 'forced_change' | 'deactivated' | 'password' | 'sessions_ended' | 'list' | 'mode' | 'set' | 'expiry' | 'deleted' | 'two_factor' | 'app_password_revoked' | 'app_password_policy';

/**
 * Whether this process's MAIL_KICK_URL is set. On a server: when not, its worker ends no open mail
 * connection (the admin pages say so), and rows stay pending until an instance with backends takes them.
 */
export function mailKickEnabled(): boolean {
  return env().MAIL_KICK_URL.length > 0;
}

/**
 * The `backend` of a row written for every backend: the writer does not name them (a CLI run without
 * MAIL_KICK_URL knows none), the worker that claims it expands it into one row per backend of ITS
 * MAIL_KICK_URL (expandEveryBackendKicks). Never a URL (MAIL_KICK_URL accepts http(s) URLs only).
 */
export const EVERY_BACKEND = '*';

/**
 * Ends the open mail connections of `targets` on every backend, once `within` commits: the one function
 * every trigger calls, inside the transaction of its change (pass that `tx`), so the change and the
 * disconnect are saved together or not at all. It writes one row per mailbox for EVERY_BACKEND, whatever
 * this process's own MAIL_KICK_URL: a change made through any channel (a server, the operator CLI run in
 * an environment without the kick settings) is delivered by whichever server's worker has the backends.
 */
export async function endMailConnections(within: Db | Tx, targets: readonly KickTarget[], reason: KickReason, now = Date.now()): Promise<void> {
  if (targets.length === 0) return;
  const seen = new Set<string>();
  const rows: (typeof mailKicks.$inferInsert)[] = [];
  for (const target of targets) {
    if (seen.has(target.email)) continue;
    seen.add(target.email);
    rows.push({ accountId: target.accountId, mailboxId: target.id, email: target.email, backend: EVERY_BACKEND, reason, createdAt: new Date(now), nextAttemptAt: new Date(now), attempts: 0 });
  }
  // Chunks keep each INSERT under SQLite's bound-parameter limit on a bulk change of thousands of mailboxes.
  for (let i = 0; i < rows.length; i += 500) await within.insert(mailKicks).values(rows.slice(i, i + 500));
}

/**
 * Replaces up to `limit` due EVERY_BACKEND rows by one row per backend of `backends` (the claimer's own
 * MAIL_KICK_URL), in one transaction: the DELETE … RETURNING takes each row from exactly one of concurrent
 * expanders (PostgreSQL: picked rows locked, locked ones skipped; a row deleted meanwhile is not
 * returned), and its per-backend rows exist from the same commit. Per-backend rows keep the change's time
 * and are due at once, so a failing backend is retried alone and a healthy one is kicked once. Without
 * backends nothing is expanded: the rows stay, pending and visible, until an instance has backends.
 * Returns how many rows were expanded.
 */
export async function expandEveryBackendKicks(now: number, backends: readonly string[], limit: number): Promise<number> {
  const targets = [...new Set(backends)];
  if (targets.length === 0) return 0;
  return await transaction(async (tx) => {
    const due = sql`(SELECT ${mailKicks.id} FROM ${mailKicks} WHERE ${mailKicks.backend} = ${EVERY_BACKEND} AND ${mailKicks.nextAttemptAt} <= ${now} ORDER BY ${mailKicks.nextAttemptAt}, ${mailKicks.id} LIMIT ${limit}${forUpdateSkipLocked()})`;
    const taken = await tx
      .delete(mailKicks)
      .where(and(sql`${mailKicks.id} IN ${due}`, eq(mailKicks.backend, EVERY_BACKEND)))
      .returning({ accountId: mailKicks.accountId, mailboxId: mailKicks.mailboxId, email: mailKicks.email, reason: mailKicks.reason, createdAt: mailKicks.createdAt, nextAttemptAt: mailKicks.nextAttemptAt });
    const rows: (typeof mailKicks.$inferInsert)[] = [];
    for (const row of taken) for (const backend of targets) rows.push({ ...row, backend, attempts: 0 });
    for (let i = 0; i < rows.length; i += 500) await tx.insert(mailKicks).values(rows.slice(i, i + 500));
    return taken.length;
  });
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

/**
 * Whether a row for one of `backends`, or for EVERY_BACKEND, is due (cheap, no lock): the worker expands
 * and claims only then, so an idle outbox costs a read.
 */
export async function anyDueKick(now: number, backends: readonly string[]): Promise<boolean> {
  if (backends.length === 0) return false;
  return (await getDb().select({ id: mailKicks.id }).from(mailKicks).where(and(lte(mailKicks.nextAttemptAt, new Date(now)), inArray(mailKicks.backend, [...backends, EVERY_BACKEND]))).limit(1)).length > 0;
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

import 'server-only';
import { and, asc, eq, lte } from 'drizzle-orm';
import { jobLeases } from '@/db/schema';
import { getDb, type Db, type Tx } from '@/db';

/**
 * The job table (`job_leases`): one row per scheduled job, the lease that makes a job run once across
 * instances, when it is due next, and its last result. Every function is one statement, atomic on both
 * engines: a claim is a conditional UPDATE … RETURNING, so of concurrent claimers (threads, instances)
 * exactly one gets the row — PostgreSQL locks the row for the first and re-checks the condition for the
 * others once it commits; SQLite runs one writer at a time.
 */

/** One job's row, as `jobs list` shows it. */
export interface JobState {
  name: string;
  holder: string | null;
  leaseUntil: Date;
  lastRunAt: Date;
  nextRunAt: Date;
  lastResult: string | null;
  lastFinishedAt: Date | null;
}

/** Every job's row (jobs that never ran have none yet). */
export async function jobStates(): Promise<JobState[]> {
  return await getDb().select().from(jobLeases).orderBy(asc(jobLeases.name));
}

/**
 * Takes job `name` for `holder` until `now + leaseMs` when it is due (`next_run_at` reached) and no live
 * lease holds it; returns the `now` of its last completed run (where a windowed job continues), or null
 * when it is not due or another instance holds it. A holder that dies leaves the job to the next claimer
 * once `lease_until` passes. The row is created on first use, due at once, with `now` as its last run.
 */
export async function claimJob(name: string, holder: string, now: number, leaseMs: number): Promise<Date | null> {
  const db = getDb();
  await db.insert(jobLeases).values({ name, holder: null, leaseUntil: new Date(0), lastRunAt: new Date(now), nextRunAt: new Date(now) }).onConflictDoNothing();
  const [row] = await db
    .update(jobLeases)
    .set({ holder, leaseUntil: new Date(now + leaseMs) })
    .where(and(eq(jobLeases.name, name), lte(jobLeases.nextRunAt, new Date(now)), lte(jobLeases.leaseUntil, new Date(now))))
    .returning({ lastRunAt: jobLeases.lastRunAt });
  return row ? row.lastRunAt : null;
}

/**
 * Records a completed run at `ranAt` and the next due time, while `holder` still holds the lease; pass the
 * transaction that saved the run's results, so that the mark and the results move together. False when
 * the lease was lost (another instance took the job after this one's lease ran out).
 */
export async function markJobRun(within: Db | Tx, name: string, holder: string, ranAt: number, nextRunAt: number): Promise<boolean> {
  const updated = await within
    .update(jobLeases)
    .set({ lastRunAt: new Date(ranAt), nextRunAt: new Date(nextRunAt) })
    .where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)))
    .returning({ name: jobLeases.name });
  return updated.length > 0;
}

/**
 * Ends `holder`'s lease with the run's one-line result. A failed run also sets the next try (`retryAt`):
 * its mark stays, so the next run covers the failed run's window again.
 */
export async function releaseJob(name: string, holder: string, result: string, finishedAt: number, retryAt?: number): Promise<void> {
  await getDb()
    .update(jobLeases)
    .set({ holder: null, leaseUntil: new Date(0), lastResult: result.slice(0, 300), lastFinishedAt: new Date(finishedAt), ...(retryAt !== undefined ? { nextRunAt: new Date(retryAt) } : {}) })
    .where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)));
}

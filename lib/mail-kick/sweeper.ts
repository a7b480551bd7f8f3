import 'server-only';
import { and, eq, sql, type SQLWrapper } from 'drizzle-orm';
import { mailboxes, netSets } from '@/db/schema';
import { getDb } from '@/db';
import type { JobContext } from '@/lib/jobs/job';
import { enforcingMailboxesUsingSet } from './targets';
import { endMailConnections, type KickTarget } from './outbox';
import { expiredWithin } from './policy';

/** The job's row in the job table. */
export const EXPIRY_SWEEP_JOB = 'mail_kick_expiry_sweep';
/** How often the sweep runs (spec §18: at least every 30 s; the job runner adds at most a second). */
export const SWEEP_INTERVAL_MS = 10_000;
/** How long one instance holds the job: well past one sweep. */
export const SWEEP_LEASE_MS = 60_000;

/**
 * An entry's expiry needs no write to take effect (the gate and auth_http compare with the clock), so no
 * change would end the connections it admitted. This sweep does: it finds the enforcing mailboxes whose own
 * entries, or whose referenced sets' entries, expired within the run's window (ctx.since, ctx.now], and
 * queues their disconnects in the transaction that completes the run (so a window is swept exactly once,
 * even when the instance holding the job dies: the next holder starts at the last completed run). Returns
 * how many mailboxes were queued. A job of lib/schedule/registry.ts, run once across instances.
 */
export async function sweepExpiredEntries(ctx: Pick<JobContext, 'now' | 'since' | 'complete'>): Promise<number> {
  const { now, since: from } = ctx;
  const db = getDb();
  // Only lists that carry an expiry at all are read (a cheap text test on both engines); the rest of the
  // decision is the pure expiredWithin.
  const hasExpiry = (column: SQLWrapper) => sql`${column} LIKE ${'%"expiresAt"%'}`;
  const own = await db
    .select({ id: mailboxes.id, email: mailboxes.email, accountId: mailboxes.accountId, canonical: mailboxes.allowNets, meta: mailboxes.allowNetsMeta })
    .from(mailboxes)
    .where(and(eq(mailboxes.allowNetsMode, 'enforce'), hasExpiry(mailboxes.allowNetsMeta)));
  const targets = new Map<string, KickTarget>();
  for (const m of own) if (expiredWithin({ canonical: m.canonical, meta: m.meta }, from, now)) targets.set(m.email, { id: m.id, email: m.email, accountId: m.accountId });
  const sets = await db.select({ accountId: netSets.accountId, name: netSets.name, canonical: netSets.allowNets, meta: netSets.allowNetsMeta }).from(netSets).where(hasExpiry(netSets.allowNetsMeta));
  for (const set of sets) {
    if (!expiredWithin({ canonical: set.canonical, meta: set.meta }, from, now)) continue;
    for (const m of await enforcingMailboxesUsingSet(db, set.accountId, set.name)) targets.set(m.email, m);
  }
  return await ctx.complete(async (tx) => {
    await endMailConnections(tx, [...targets.values()], 'expiry', now);
    return targets.size;
  });
}

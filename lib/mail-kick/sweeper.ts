import 'server-only';
import { and, eq, sql, type SQLWrapper } from 'drizzle-orm';
import { mailboxes, netSets } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { enforcingMailboxesUsingSet } from './targets';
import { endMailConnections, finishJobRun, mailKickEnabled, takeJobLease, type KickTarget } from './outbox';
import { expiredWithin } from './policy';

/** The job's row in job_leases. */
export const EXPIRY_SWEEP_JOB = 'mail_kick_expiry_sweep';
/** How often each instance offers to sweep (spec §18: at least every 30 s). */
export const SWEEP_INTERVAL_MS = 10_000;
/** How long one instance keeps the job: longer than the interval, so the holder renews it while it lives. */
export const SWEEP_LEASE_MS = 25_000;

/**
 * An entry's expiry needs no write to take effect (the gate and auth_http compare with the clock), so no
 * change would end the connections it admitted. This sweep does: it finds the enforcing mailboxes whose own
 * entries, or whose referenced sets' entries, expired since the last sweep, and queues their disconnects in
 * the transaction that moves the sweep's mark forward (so a window is swept exactly once, even when the
 * instance holding the lease dies: the next holder starts at the mark). Returns how many mailboxes were
 * queued, or null when another instance holds the job (or mail kicks are off).
 */
export async function sweepExpiredEntries(holder: string, now = Date.now()): Promise<number | null> {
  if (!mailKickEnabled()) return null;
  const last = await takeJobLease(EXPIRY_SWEEP_JOB, holder, now, SWEEP_LEASE_MS);
  if (last === null) return null;
  const from = last.getTime();
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
  return await transaction(async (tx) => {
    if (!(await finishJobRun(tx, EXPIRY_SWEEP_JOB, holder, now))) return null;
    await endMailConnections(tx, [...targets.values()], 'expiry', now);
    return targets.size;
  });
}

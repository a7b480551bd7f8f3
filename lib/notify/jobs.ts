import 'server-only';
import type { JobDefinition } from '@/lib/jobs/job';
import { setNotificationsPending } from '@/lib/ops/metrics';
import { deliverDueNotifications } from './deliver';
import { DIGEST_INTERVAL_MS, readAuditLog, READ_BATCH, sendDigests } from './events';
import { pendingDeliveries } from './outbox';

/** How often due deliveries are looked for. */
export const DELIVER_INTERVAL_MS = 1_000;
/** How often the audit log is read for new events (with SETTLE_MS, an event goes out well within a minute). */
export const DETECT_INTERVAL_MS = 5_000;
/** The reader's lease: well past one run, which stops reading after DETECT_INTERVAL_MS. */
const READER_LEASE_MS = 25_000;
const GAUGE_INTERVAL_MS = 5_000;

/*
 * The alerts' scheduled work (spec §21), as entries of the one job table (lib/schedule/registry.ts). The
 * audit-log reader and the daily digest are `once` jobs: the job table's lease gives each run to one
 * instance, and `ctx.complete` saves a run's results with its window. Deliveries are claimed row by row
 * (lib/notify/outbox.ts) and the gauges are per process, so those two run on every instance.
 */
export const NOTIFY_JOBS: readonly JobDefinition[] = [
  {
    name: 'notify_reader',
    summary: 'read new audit rows into alerts (spec §21)',
    runs: 'once',
    everyMs: DETECT_INTERVAL_MS,
    leaseMs: READER_LEASE_MS,
    run: async (ctx) => {
      // A backlog (a burst of refusals, a restart) is read batch after batch, for at most one interval; the
      // rounds after the first have an empty window for what is windowed (mail disconnects), so nothing of
      // it is reported twice.
      let read = 0;
      for (let round = 0; ; round++) {
        const result = await readAuditLog(round === 0 ? ctx : { ...ctx, since: ctx.now });
        read += result.read;
        if (result.read !== READ_BATCH || Date.now() - ctx.now >= DETECT_INTERVAL_MS) break;
      }
      return `${read} audit rows read`;
    },
  },
  {
    name: 'notify_digest',
    summary: 'send the daily digest of what lists in monitor mode would have refused (spec §21)',
    runs: 'once',
    everyMs: DIGEST_INTERVAL_MS,
    leaseMs: 10 * 60_000,
    run: async (ctx) => `${await sendDigests(ctx)} digest notifications queued`,
  },
  {
    name: 'notify_deliver',
    summary: 'send due webhook and e-mail notifications, retrying with backoff for 24 h (spec §21)',
    runs: 'each-instance',
    everyMs: DELIVER_INTERVAL_MS,
    run: async (ctx) => `${String(await deliverDueNotifications(ctx.now))} notifications sent`,
  },
  {
    name: 'notify_metrics',
    summary: 'refresh the /metrics gauges of pending and failing notifications',
    runs: 'each-instance',
    everyMs: GAUGE_INTERVAL_MS,
    run: async () => {
      const state = await pendingDeliveries();
      setNotificationsPending(state.pending, state.failing);
      return `${state.pending} notifications pending`;
    },
  },
];

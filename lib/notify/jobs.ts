import 'server-only';
import crypto from 'node:crypto';
import type { JobDefinition } from '@/lib/jobs/job';
import { setNotificationsPending } from '@/lib/ops/metrics';
import { deliverDueNotifications } from './deliver';
import { detectEvents, READ_BATCH, sendDigests } from './events';
import { pendingDeliveries } from './outbox';

/** How often due deliveries are looked for. */
export const DELIVER_INTERVAL_MS = 1_000;
/** How often the audit log is read for new events (with SETTLE_MS, an event goes out well within a minute). */
export const DETECT_INTERVAL_MS = 5_000;
const GAUGE_INTERVAL_MS = 5_000;

/**
 * The alerts' scheduled work (spec §21), as entries of the one job table (lib/schedule/registry.ts). All three
 * run on every instance: deliveries are claimed row by row (lib/notify/outbox.ts), and the audit-log reader
 * and the daily digest hold leases of their own (their cursor rows), keyed by this process's holder, so
 * that several instances share the work without doing any of it twice.
 */
const holder = crypto.randomBytes(9).toString('base64url');

export const NOTIFY_JOBS: readonly JobDefinition[] = [
  {
    name: 'notify_reader',
    summary: 'read new audit rows into alerts, and offer the daily digest (spec §21)',
    runs: 'each-instance',
    everyMs: DETECT_INTERVAL_MS,
    run: async (ctx) => {
      // A backlog (a burst of refusals, a restart) is read batch after batch, for at most one interval.
      let read = 0;
      for (let round = await detectEvents(holder, ctx.now); round !== null; round = await detectEvents(holder, Date.now())) {
        read += round.read;
        if (round.read !== READ_BATCH || Date.now() - ctx.now >= DETECT_INTERVAL_MS) break;
      }
      await sendDigests(holder, ctx.now);
      return `${read} audit rows read`;
    },
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

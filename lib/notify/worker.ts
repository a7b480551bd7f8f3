import 'server-only';
import crypto from 'node:crypto';
import { log } from '@/lib/log';
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
 * The notification worker of one server process (registered by lib/notify/register.ts, started by server.ts
 * like the mail disconnect worker): every round delivers due rows, and, at their intervals, reads new audit
 * rows, offers the daily digest and refreshes the /metrics gauge. Several instances share the work safely:
 * deliveries are claimed row by row, the reader and the digest are leased.
 */
export function notifyWorker(options: { deliverMs?: number; detectMs?: number } = {}) {
  const deliverMs = options.deliverMs ?? DELIVER_INTERVAL_MS;
  const detectMs = options.detectMs ?? DETECT_INTERVAL_MS;
  const holder = crypto.randomBytes(9).toString('base64url');
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let lastDetect = 0;
  let lastGauge = 0;

  async function tick(): Promise<void> {
    const now = Date.now();
    if (now - lastDetect >= detectMs) {
      lastDetect = now;
      // A backlog (a burst of refusals, a restart) is read batch after batch, for at most one interval.
      for (let round = await detectEvents(holder, now); round !== null && round.read === READ_BATCH && Date.now() - now < detectMs; ) round = await detectEvents(holder, Date.now());
      await sendDigests(holder, now);
    }
    await deliverDueNotifications(now);
    if (now - lastGauge >= GAUGE_INTERVAL_MS) {
      lastGauge = now;
      const state = await pendingDeliveries();
      setNotificationsPending(state.pending, state.failing);
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => log().error({ err: error }, 'notification worker: a round failed; trying again'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, deliverMs);
    timer.unref();
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

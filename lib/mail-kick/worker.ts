import 'server-only';
import { getDb } from '@/db';
import { recordAggregatedAudit, recordAudit, type AuditContext } from '@/lib/audit';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { countMailKick, setMailKicksPending } from '@/lib/ops/metrics';
import { kickOnBackend, KICK_TIMEOUT_MS, type KickOutcome } from './doveadm';
import { anyDueKick, claimDueKicks, completeKick, expandEveryBackendKicks, pendingKicks, retryKickLater, type ClaimedKick, type PendingKicks } from './outbox';
import { retryDelayMs } from './policy';

/**
 * How often each instance checks the outbox for due rows (one indexed read): the delay before a disconnect
 * goes out (spec §18: within 2 s). The job runner (lib/jobs/runner.ts) keeps this fast loop.
 */
export const POLL_INTERVAL_MS = 250;
/** How long a claimed row is this worker's: well past one kick's timeout. */
export const CLAIM_LEASE_MS = 6 * KICK_TIMEOUT_MS;
/** Rows claimed at once. */
const BATCH = 50;
/** How often the /metrics gauge of undelivered rows is refreshed. */
export const GAUGE_INTERVAL_MS = 5_000;

const SYSTEM: AuditContext = { actor: { kind: 'system', email: 'mail disconnect' } };

/**
 * Sends the kicks of claimed rows, one per backend and address (several rows for one mailbox, say a bulk
 * change and a sweep, are one kick), and records each outcome: delivered rows leave the outbox with an
 * audit row `mail_connections_ended`; failed ones wait (1 s, 2 s, 4 s … at most 30 s) with one aggregated
 * audit row per outbox row and quarter hour, however often they fail. Rows are claimed for this process's
 * own backends only (claimDueKicks), so each names one of MAIL_KICK_URL.
 */
export async function deliverKicks(claimed: readonly ClaimedKick[], now = Date.now(), send: typeof kickOnBackend = kickOnBackend): Promise<void> {
  const groups = new Map<string, ClaimedKick[]>();
  for (const kick of claimed) {
    const key = `${kick.backend}\n${kick.email}`;
    const group = groups.get(key);
    if (group) group.push(kick);
    else groups.set(key, [kick]);
  }
  const config = env();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const first = group[0]!;
      const outcome: KickOutcome = await send(first.backend, config.MAIL_KICK_API_KEY ?? '', first.email);
      countMailKick(outcome.ok ? outcome.result : 'failed');
      const record = { accountId: first.accountId, mailboxId: first.mailboxId, mailboxEmail: first.email };
      if (outcome.ok) {
        const done = Date.now();
        for (const kick of group) await completeKick(kick);
        await recordAudit(getDb(), SYSTEM, {
          event: 'mail_connections_ended',
          ...record,
          detail: { backend: first.backend, result: outcome.result, reason: first.reason, attempts: Math.max(...group.map((k) => k.attempts)), delay_ms: done - Math.min(...group.map((k) => k.createdAt.getTime())) },
        });
        return;
      }
      log().warn({ backend: first.backend, error: outcome.error, attempts: first.attempts }, 'ending open mail connections failed; retrying');
      for (const kick of group) {
        // From the later of the claim and now: a try that timed out must not make the next one due at once.
        await retryKickLater(kick, Math.max(now, Date.now()) + retryDelayMs(kick.attempts), outcome.error);
        await recordAggregatedAudit(SYSTEM, { event: 'mail_connections_ended', ...record, detail: { backend: first.backend, result: 'failed', reason: kick.reason, error: outcome.error } }, `outbox-${kick.id}`, now);
      }
    }),
  );
}

/**
 * One round of delivery for the backends of `backends` (this process's MAIL_KICK_URL): rows written for
 * every backend are expanded into one row per backend first (in their own transaction), then due rows are
 * claimed and sent. Returns how many rows were claimed.
 */
export async function deliverDueKicks(now: number, backends: readonly string[], send: typeof kickOnBackend = kickOnBackend): Promise<number> {
  if (!(await anyDueKick(now, backends))) return 0;
  await expandEveryBackendKicks(now, backends, BATCH);
  const claimed = await claimDueKicks(now, CLAIM_LEASE_MS, BATCH, backends);
  if (claimed.length > 0) await deliverKicks(claimed, now, send);
  return claimed.length;
}

/**
 * Refreshes the /metrics gauge of undelivered rows (every instance reports the whole outbox: it is one
 * table, and a Prometheus query takes the max). A job of lib/schedule/registry.ts, run on each instance.
 */
export async function refreshPendingKicksGauge(): Promise<PendingKicks> {
  const state = await pendingKicks();
  setMailKicksPending(state.pending, state.failing);
  return state;
}

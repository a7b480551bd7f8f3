import 'server-only';
import { pruneAudit } from '@/lib/audit';
import { env } from '@/lib/env';
import { mailKickEnabled } from '@/lib/mail-kick/outbox';
import { EXPIRY_SWEEP_JOB, SWEEP_INTERVAL_MS, SWEEP_LEASE_MS, sweepExpiredEntries } from '@/lib/mail-kick/sweeper';
import { deliverDueKicks, GAUGE_INTERVAL_MS, POLL_INTERVAL_MS, refreshPendingKicksGauge } from '@/lib/mail-kick/worker';
import { expirePasswords } from '@/lib/mailboxes/password-expiry';
import { NOTIFY_JOBS } from '@/lib/notify/jobs';
import type { JobDefinition } from '@/lib/jobs/job';

/*
 * Every piece of scheduled work, in one table: the server's background runner and `npm run cli -- jobs run`
 * both read it (lib/jobs/runner.ts). Adding a job is one entry here; its function lives with its service.
 */

const MINUTE = 60_000;

/** The scheduled jobs, in the order `jobs run` runs them. */
export const JOBS: readonly JobDefinition[] = [
  {
    // Spec §18: open mail connections of mailboxes whose list entries expired since the last run.
    name: EXPIRY_SWEEP_JOB,
    summary: 'end the mail connections of mailboxes whose allowlist entries expired (spec §18)',
    runs: 'once',
    everyMs: SWEEP_INTERVAL_MS,
    leaseMs: SWEEP_LEASE_MS,
    // An instance without MAIL_KICK_URL leaves the window to one that has backends.
    enabled: mailKickEnabled,
    run: async (ctx) => `${await sweepExpiredEntries(ctx)} mailboxes queued for disconnection`,
  },
  {
    // Spec §18: disconnects are delivered within 2 s. The rows are claimed one by one (lib/mail-kick/outbox.ts),
    // so every instance polls; no lease is needed.
    name: 'mail_kick_outbox',
    summary: 'deliver the queued mail disconnects to this instance\'s MAIL_KICK_URL backends (spec §18)',
    runs: 'each-instance',
    everyMs: POLL_INTERVAL_MS,
    enabled: mailKickEnabled,
    run: async (ctx) => `${await deliverDueKicks(ctx.now, env().MAIL_KICK_URL)} disconnects sent`,
  },
  {
    name: 'mail_kick_metrics',
    summary: 'refresh the /metrics gauge of undelivered mail disconnects',
    runs: 'each-instance',
    everyMs: GAUGE_INTERVAL_MS,
    run: async () => `${(await refreshPendingKicksGauge()).pending} disconnects pending`,
  },
  {
    // Spec §21 routine check: a password past its account's maximum age gets the forced-change flag.
    name: 'password_expiry',
    summary: 'force a password change where the account\'s "Passwords expire after N days" has passed (spec §21)',
    runs: 'once',
    everyMs: 10 * MINUTE,
    leaseMs: 30 * MINUTE,
    run: async (ctx) => `${await expirePasswords(ctx.now)} mailboxes flagged`,
  },
  {
    // Spec §12: AUDIT_RETENTION_DAYS. Off the sign-in path: a large delete never delays a request.
    name: 'audit_retention',
    summary: 'delete audit rows older than AUDIT_RETENTION_DAYS (spec §12)',
    runs: 'once',
    everyMs: 60 * MINUTE,
    leaseMs: 30 * MINUTE,
    run: async (ctx) => `${await pruneAudit(env().AUDIT_RETENTION_DAYS, ctx.now)} audit rows deleted`,
  },
  // Spec §21 alerts: the audit-log reader, deliveries and their gauges (lib/notify/jobs.ts).
  ...NOTIFY_JOBS,
];

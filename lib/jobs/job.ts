import 'server-only';
import type { Tx } from '@/db';

/**
 * What a scheduled job is (lib/schedule/registry.ts lists them): a function with a schedule. The runner
 * (lib/jobs/runner.ts) decides when it runs and on which instance; the job only does its work.
 */
export interface JobDefinition {
  /** Its row in the job table (stable: renaming it starts a new row, and a windowed job a new window). */
  name: string;
  /** One line for `jobs list`. */
  summary: string;
  /** Time between the end of one run and the next. */
  everyMs: number;
  /**
   * `once`: runs once across instances, under a lease of `leaseMs` in the job table (which must outlast one
   * run: an instance that dies mid-run hands the job on when the lease ends). `each-instance`: runs on every
   * instance every `everyMs`, for work whose rows are claimed one by one (the mail-kick outbox) or that is
   * about the process itself (its metrics); it has no row and no lease.
   */
  runs: 'once' | 'each-instance';
  leaseMs?: number;
  /** When false the job is not run here (and a `once` job's window stays where it is for an instance that runs it). */
  enabled?: () => boolean;
  /** Does the work; returns a one-line result ("3 mailboxes flagged") for `jobs list` and the log. */
  run(ctx: JobContext): Promise<string>;
}

/** What the runner hands a job for one run. */
export interface JobContext {
  /** This run's clock: every decision of the run uses it (tests and `faketime` move it). */
  now: number;
  /** The `now` of the last completed run of this job (a `once` job's window is (since, now]). */
  since: number;
  /**
   * Runs `work` in one transaction that also records this run as completed, so that a windowed job's
   * results and its moved window are saved together or not at all. Throws (rolling `work` back) when the
   * lease was lost meanwhile. A job that does not call it is recorded as completed when it returns.
   */
  complete<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

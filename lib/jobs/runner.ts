import 'server-only';
import crypto from 'node:crypto';
import { getDb, transaction } from '@/db';
import { log } from '@/lib/log';
import type { BackgroundWork } from '@/lib/ops/background';
import type { JobContext, JobDefinition } from './job';
import { claimJob, jobStates, markJobRun, releaseJob } from '@/lib/job-leases';

/** How often the background runner looks at its jobs: the `each-instance` jobs' finest grain (the outbox's 250 ms). */
export const TICK_MS = 250;
/** How often it reads the job table for due `once` jobs (one SELECT of a handful of rows). */
export const ONCE_CHECK_MS = 1_000;
/** A `once` job's lease when its definition names none. */
const DEFAULT_LEASE_MS = 10 * 60_000;

/** What one attempt to run a job came to. */
export interface JobOutcome {
  name: string;
  /** `ran`: it ran here; `failed`: it ran and threw; `skipped`: not due, held by another instance, or off here. */
  status: 'ran' | 'failed' | 'skipped';
  result: string;
}

class LeaseLostError extends Error {
  constructor(name: string) {
    super(`the lease of job ${name} ran out during the run and another instance took it; this run's results were not saved`);
  }
}

/** A random name for this process in the job table's `holder` column. */
export function newHolder(): string {
  return crypto.randomBytes(9).toString('base64url');
}

/**
 * Runs one job now if it is due here: a `once` job only when this holder's claim takes its lease, an
 * `each-instance` job always. Failures are caught, logged and recorded (the `once` job is tried again
 * after `everyMs`); they never reach the caller.
 */
export async function runJob(job: JobDefinition, now: number, holder: string, since = now): Promise<JobOutcome> {
  if (job.enabled && !job.enabled()) return { name: job.name, status: 'skipped', result: 'off on this instance' };
  if (job.runs === 'each-instance') {
    try {
      const result = await job.run({ now, since, complete: (work) => transaction(work) });
      return { name: job.name, status: 'ran', result };
    } catch (error) {
      log().error({ err: error, job: job.name }, `job ${job.name} failed`);
      return { name: job.name, status: 'failed', result: (error as Error).message };
    }
  }
  const last = await claimJob(job.name, holder, now, job.leaseMs ?? DEFAULT_LEASE_MS);
  if (last === null) return { name: job.name, status: 'skipped', result: 'not due, or running on another instance' };
  let completed = false;
  const ctx: JobContext = {
    now,
    since: last.getTime(),
    complete: (work) =>
      transaction(async (tx) => {
        const result = await work(tx);
        if (!(await markJobRun(tx, job.name, holder, now, now + job.everyMs))) throw new LeaseLostError(job.name);
        completed = true;
        return result;
      }),
  };
  try {
    const result = await job.run(ctx);
    if (!completed && !(await markJobRun(getDb(), job.name, holder, now, now + job.everyMs))) throw new LeaseLostError(job.name);
    await releaseJob(job.name, holder, `ok: ${result}`, Date.now());
    return { name: job.name, status: 'ran', result };
  } catch (error) {
    const message = (error as Error).message;
    log().error({ err: error, job: job.name }, `job ${job.name} failed; trying again in ${Math.round(job.everyMs / 1000)} s`);
    await releaseJob(job.name, holder, `failed: ${message}`, Date.now(), now + job.everyMs).catch(() => undefined);
    return { name: job.name, status: 'failed', result: message };
  }
}

/**
 * Runs every job that is due, once, one after the other, and returns what each came to: the operator's
 * `npm run cli -- jobs run` (for cron, and for tests under a moved clock). Safe beside running servers and
 * other `jobs run`: a `once` job runs only where its claim succeeds.
 */
export async function runDueJobs(options: { jobs: readonly JobDefinition[]; now?: number; holder?: string }): Promise<JobOutcome[]> {
  const holder = options.holder ?? newHolder();
  const outcomes: JobOutcome[] = [];
  for (const job of options.jobs) outcomes.push(await runJob(job, options.now ?? Date.now(), holder));
  return outcomes;
}

/**
 * The background runner of one server process: every TICK_MS it starts the `each-instance` jobs whose
 * interval has passed here, and every ONCE_CHECK_MS it reads the job table and starts the `once` jobs that
 * are due and free. Each job runs on its own (a long run of one never holds up the outbox), at most one
 * run of a job at a time per process.
 */
export function jobRunner(options: { jobs: readonly JobDefinition[]; tickMs?: number; onceCheckMs?: number; clock?: () => number }): BackgroundWork {
  const jobs = options.jobs;
  const tickMs = options.tickMs ?? TICK_MS;
  const onceCheckMs = options.onceCheckMs ?? ONCE_CHECK_MS;
  const clock = options.clock ?? Date.now;
  const holder = newHolder();
  const running = new Map<string, Promise<void>>();
  const nextLocal = new Map<string, number>();
  let nextOnceCheck = 0;
  let checking: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;

  function launch(job: JobDefinition, now: number, since: number): void {
    const run = runJob(job, now, holder, since)
      .then((outcome) => {
        if (job.runs === 'once' && outcome.status === 'ran') log().info({ job: job.name, result: outcome.result }, `job ${job.name}: ${outcome.result}`);
      })
      .catch((error: unknown) => log().error({ err: error, job: job.name }, `job ${job.name}: the job table could not be read or written; trying again`))
      .finally(() => {
        running.delete(job.name);
        nextLocal.set(job.name, clock() + job.everyMs);
      });
    running.set(job.name, run);
  }

  async function checkOnceJobs(now: number): Promise<void> {
    const states = new Map((await jobStates()).map((s) => [s.name, s]));
    for (const job of jobs) {
      if (job.runs !== 'once' || running.has(job.name) || stopped) continue;
      const state = states.get(job.name);
      if (state && (state.nextRunAt.getTime() > now || state.leaseUntil.getTime() > now)) continue;
      launch(job, now, now);
    }
  }

  function tick(): void {
    const now = clock();
    for (const job of jobs) {
      if (job.runs !== 'each-instance' || running.has(job.name) || (nextLocal.get(job.name) ?? 0) > now) continue;
      launch(job, now, nextLocal.has(job.name) ? nextLocal.get(job.name)! - job.everyMs : now);
    }
    if (now >= nextOnceCheck && !checking) {
      nextOnceCheck = now + onceCheckMs;
      checking = checkOnceJobs(now)
        .catch((error: unknown) => log().error({ err: error }, 'jobs: the job table could not be read; trying again'))
        .finally(() => (checking = undefined));
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      tick();
      schedule();
    }, tickMs);
    // Never what keeps the process alive.
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
      await checking;
      await Promise.all(running.values());
    },
  };
}

import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jobLeases } from '@/db/schema';
import { getDb } from '@/db';
import { uniqueTag } from '@/lib/testing/factories';
import type { JobDefinition } from './job';
import { jobRunner, runDueJobs, runJob } from './runner';
import { claimJob, jobStates } from '@/lib/job-leases';

/** A `once` job that counts its runs (and takes a moment, so that concurrent runners overlap). */
function countingJob(everyMs = 60_000, leaseMs = 30_000) {
  const runs: { since: number; now: number }[] = [];
  const job: JobDefinition = {
    name: `test_${uniqueTag()}`,
    summary: 'counts its runs',
    runs: 'once',
    everyMs,
    leaseMs,
    async run(ctx) {
      runs.push({ since: ctx.since, now: ctx.now });
      await new Promise((r) => setTimeout(r, 20));
      return `run ${runs.length}`;
    },
  };
  return { job, runs };
}

const stateOf = async (name: string) => (await jobStates()).find((s) => s.name === name);

describe('scheduled jobs', () => {
  it('runs each due job once among instances running jobs at the same time, and again once it is due', async () => {
    const a = countingJob();
    const b = countingJob();
    const now = Date.now();
    // Six instances (on PostgreSQL each holder's statements go over the pool's own connections) at one instant.
    const outcomes = await Promise.all(['i1', 'i2', 'i3', 'i4', 'i5', 'i6'].map((holder) => runDueJobs({ jobs: [a.job, b.job], now, holder })));
    expect(a.runs).toHaveLength(1);
    expect(b.runs).toHaveLength(1);
    expect(outcomes.flat().filter((o) => o.status === 'ran')).toHaveLength(2);
    expect((await stateOf(a.job.name))?.lastResult).toBe('ok: run 1');
    expect((await stateOf(a.job.name))?.holder).toBeNull();
    // Not due before its interval has passed, on any instance; due once it has.
    await Promise.all(['i1', 'i2'].map((holder) => runDueJobs({ jobs: [a.job], now: now + 59_999, holder })));
    expect(a.runs).toHaveLength(1);
    await Promise.all(['i1', 'i2', 'i3'].map((holder) => runDueJobs({ jobs: [a.job], now: now + 60_000, holder })));
    expect(a.runs).toHaveLength(2);
    // The second run's window starts where the first ended.
    expect(a.runs[1]).toEqual({ since: now, now: now + 60_000 });
  });

  it('hands the job of an instance that died mid-run to another once its lease expires, with the same window', async () => {
    const { job, runs } = countingJob(60_000, 5_000);
    const now = Date.now();
    // The dead instance claimed it (and never finished).
    expect(await claimJob(job.name, 'dead', now, 5_000)).not.toBeNull();
    expect((await runJob(job, now + 4_999, 'alive')).status).toBe('skipped');
    expect(runs).toHaveLength(0);
    expect((await runJob(job, now + 5_000, 'alive')).status).toBe('ran');
    expect(runs).toEqual([{ since: now, now: now + 5_000 }]);
  });

  it('records a failed run, keeps its window and tries it again after its interval', async () => {
    let fail = true;
    const windows: number[] = [];
    const job: JobDefinition = {
      name: `test_${uniqueTag()}`,
      summary: 'fails once',
      runs: 'once',
      everyMs: 10_000,
      async run(ctx) {
        windows.push(ctx.since);
        if (fail) throw new Error('the backend is away');
        return 'done';
      },
    };
    const now = Date.now();
    expect(await runJob(job, now, 'me')).toEqual({ name: job.name, status: 'failed', result: 'the backend is away' });
    expect((await stateOf(job.name))?.lastResult).toBe('failed: the backend is away');
    expect((await runJob(job, now + 9_999, 'me')).status).toBe('skipped');
    fail = false;
    expect((await runJob(job, now + 10_000, 'me')).status).toBe('ran');
    expect(windows).toEqual([now, now]);
  });

  it('saves a run\'s results with its window in one transaction, and nothing of a run whose lease was lost', async () => {
    const name = `test_${uniqueTag()}`;
    const job: JobDefinition = {
      name,
      summary: 'loses its lease',
      runs: 'once',
      everyMs: 1_000,
      async run(ctx) {
        // Another instance takes the job over while this one still works (its lease ran out).
        await getDb().update(jobLeases).set({ holder: 'usurper' }).where(eq(jobLeases.name, name));
        return await ctx.complete(async (tx) => {
          await tx.update(jobLeases).set({ lastResult: 'written by the run' }).where(eq(jobLeases.name, name));
          return 'saved';
        });
      },
    };
    const now = Date.now();
    const outcome = await runJob(job, now, 'me');
    expect(outcome.status).toBe('failed');
    expect(outcome.result).toMatch(/another instance took it/);
    const state = await stateOf(name);
    // The run's write was rolled back with it, and the usurper's lease is untouched.
    expect(state?.lastResult).not.toBe('written by the run');
    expect(state?.holder).toBe('usurper');
    expect(state?.lastRunAt.getTime()).toBe(now);
  });

  it('runs an each-instance job on every instance, without a row; a job that is off here is skipped', async () => {
    let runs = 0;
    const job: JobDefinition = { name: `test_${uniqueTag()}`, summary: 'per instance', runs: 'each-instance', everyMs: 250, run: async () => `run ${++runs}` };
    const off: JobDefinition = { ...job, name: `test_${uniqueTag()}`, enabled: () => false };
    const now = Date.now();
    await Promise.all(['i1', 'i2'].map((holder) => runDueJobs({ jobs: [job, off], now, holder })));
    expect(runs).toBe(2);
    expect(await stateOf(job.name)).toBeUndefined();
    expect((await runJob(off, now, 'i1')).result).toBe('off on this instance');
  });

  it('the background runner runs each-instance jobs on their interval and a once job when due; stop waits for runs in hand', async () => {
    let fast = 0;
    const each: JobDefinition = { name: `test_${uniqueTag()}`, summary: 'fast', runs: 'each-instance', everyMs: 20, run: async () => `run ${++fast}` };
    const once = countingJob(60_000);
    const runner = jobRunner({ jobs: [each, once.job], tickMs: 10, onceCheckMs: 10 });
    runner.start();
    await expect.poll(() => fast >= 3 && once.runs.length === 1, { timeout: 5_000 }).toBe(true);
    await runner.stop();
    const after = fast;
    await new Promise((r) => setTimeout(r, 60));
    expect(fast).toBe(after);
    expect(once.runs).toHaveLength(1);
  });
});

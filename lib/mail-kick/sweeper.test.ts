import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { mailKicks, mailboxes, netSets } from '@/db/schema';
import { getDb } from '@/db';
import { JOBS } from '@/lib/schedule/registry';
import { runJob } from '@/lib/jobs/runner';
import { claimJob } from '@/lib/job-leases';
import { createNetSet } from '@/lib/netsets/service';
import { makeAccount, makeMailbox, testContext, uniqueTag } from '@/lib/testing/factories';
import { EXPIRY_SWEEP_JOB } from './sweeper';

vi.hoisted(() => {
  process.env.MAIL_KICK_URL = 'http://127.0.0.1:1/doveadm/v1';
  process.env.MAIL_KICK_API_KEY = 'unit-test-doveadm-key';
});

const sweep = JOBS.find((job) => job.name === EXPIRY_SWEEP_JOB)!;
const queued = async (email: string) => (await getDb().select().from(mailKicks).where(eq(mailKicks.email, email))).length;

describe('expiry sweeper (a job of the job table)', () => {
  it('runs at least every 30 s (spec §18), once across instances', () => {
    expect(sweep.runs).toBe('once');
    expect(sweep.everyMs).toBeLessThanOrEqual(29_000);
  });

  it('queues disconnects for enforcing mailboxes whose own or set entries expired since its last run, once', async () => {
    const { accountId, domain } = await makeAccount();
    const base = Date.now() + 30_000_000;
    // Start the job's window at base - 100 s (its first claim creates the row with that as the last run).
    await claimJob(EXPIRY_SWEEP_JOB, 'setup', base - 100_000, 1);
    const own = await makeMailbox(domain, { allowNets: '203.0.113.7,198.51.100.0/24' });
    const later = await makeMailbox(domain, { allowNets: '203.0.113.7' });
    const monitor = await makeMailbox(domain, { allowNets: '203.0.113.7' });
    const viaSet = await makeMailbox(domain, { allowNets: '198.51.100.9' });
    const name = `s${uniqueTag()}`;
    await createNetSet(accountId, { name, allowNets: '192.0.2.0/24' }, testContext);
    await getDb().update(netSets).set({ allowNetsMeta: { '192.0.2.0/24': { expiresAt: base - 50 } } }).where(eq(netSets.name, name));
    await getDb().update(mailboxes).set({ allowNets: `198.51.100.9,@${name}` }).where(eq(mailboxes.id, viaSet.id));
    await getDb().update(mailboxes).set({ allowNetsMeta: { '203.0.113.7': { expiresAt: base - 100 } } }).where(eq(mailboxes.id, own.id));
    await getDb().update(mailboxes).set({ allowNetsMeta: { '203.0.113.7': { expiresAt: base + 60_000 } } }).where(eq(mailboxes.id, later.id));
    await getDb().update(mailboxes).set({ allowNetsMode: 'monitor', allowNetsMeta: { '203.0.113.7': { expiresAt: base - 100 } } }).where(eq(mailboxes.id, monitor.id));

    // Another instance holds the job: nothing happens here until its lease ends.
    expect(await claimJob(EXPIRY_SWEEP_JOB, 'other', base - 1000, 500)).not.toBeNull();
    expect((await runJob(sweep, base - 999, 'me')).status).toBe('skipped');
    const first = await runJob(sweep, base, 'me');
    expect(first.status).toBe('ran');
    expect(first.result).toMatch(/^[2-9]\d* mailboxes queued/);
    expect(await queued(own.email)).toBe(1);
    expect(await queued(viaSet.email)).toBe(1);
    expect(await queued(later.email)).toBe(0);
    expect(await queued(monitor.email)).toBe(0);
    // The next run starts where this one ended: the same expiry is not swept twice.
    expect((await runJob(sweep, base + 10_000, 'me')).status).toBe('ran');
    expect(await queued(own.email)).toBe(1);
    expect((await runJob(sweep, base + 70_000, 'other')).status).toBe('ran');
    expect(await queued(later.email)).toBe(1);
  });
});

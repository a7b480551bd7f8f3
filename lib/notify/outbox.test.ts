import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, notifyDeliveries, notifyDestinations } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { claimJob } from '@/lib/job-leases';
import { runJob } from '@/lib/jobs/runner';
import { makeAccount, makeMailbox } from '@/lib/testing/factories';
import { SETTLE_MS } from './events';
import { NOTIFY_JOBS } from './jobs';
import { claimDueDeliveries, notifyRetryDelayMs, queueDeliveries, removeDelivery } from './outbox';

describe('notification outbox', () => {
  it('gives each due row to exactly one of many concurrent claimers (instances), and leases it', async () => {
    const now = Date.now() + 3_600_000;
    const tag = `evt-${now}`;
    await transaction((tx) => queueDeliveries(tx, Array.from({ length: 30 }, (_, i) => ({ eventId: `${tag}-${i}`, accountId: null, destinationId: null, toAddress: 'x@example.com', type: 'sign_in.new_network', body: '{}' })), now - 1));
    const mine = <R extends { eventId: string }>(rows: R[]) => rows.filter((r) => r.eventId.startsWith(tag));
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimDueDeliveries(now, 30_000, 7)));
    const rest = await claimDueDeliveries(now, 30_000, 1000);
    const ids = [...claims.flat(), ...rest].filter((r) => r.eventId.startsWith(tag)).map((r) => r.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(mine(await claimDueDeliveries(now + 29_000, 30_000, 1000))).toEqual([]);
    // After the lease, a dead claimer's row is due again, and the late claimer can no longer remove it.
    const again = mine(await claimDueDeliveries(now + 31_000, 30_000, 1000));
    expect(again).toHaveLength(30);
    const stale = claims.flat().find((r) => r.eventId.startsWith(tag))!;
    expect(await removeDelivery(stale)).toBe(false);
    for (const row of again) expect(await removeDelivery(row)).toBe(true);
    expect(await getDb().select().from(notifyDeliveries).where(inArray(notifyDeliveries.id, ids))).toEqual([]);
  });

  it('backs off 10 s, 30 s, 1 min … and at most an hour', () => {
    expect([1, 2, 3, 4, 9, 50].map(notifyRetryDelayMs)).toEqual([10_000, 30_000, 60_000, 120_000, 3_600_000, 3_600_000]);
  });

  it('runs the audit-log reader on one instance at a time (a `once` job of the job table), and queues each event once', async () => {
    const reader = NOTIFY_JOBS.find((j) => j.name === 'notify_reader')!;
    const start = Date.now();
    // The first run places the reader at the end of the log.
    expect((await Promise.all(['instance-a', 'instance-b', 'instance-c'].map((holder) => runJob(reader, start, holder)))).filter((o) => o.status === 'ran')).toHaveLength(1);
    // A burst, read by three instances at the same instant: one reads it, and it is queued once.
    const a = await makeAccount();
    const box = await makeMailbox(a.domain);
    const [dest] = await getDb().insert(notifyDestinations).values({ accountId: a.accountId, kind: 'email', emailTo: 'soc@example.com', events: 'sign_in.refused_burst' }).returning({ id: notifyDestinations.id });
    for (let i = 0; i < 10; i++) await getDb().insert(auditEvents).values({ at: new Date(start + i), event: 'login_failed', accountId: a.accountId, actorKind: 'system', mailboxId: box.id, mailboxEmail: box.email, clientIp: '203.0.113.9', protocol: 'imap' });
    // Once every row written so far is settled (the account's own audit rows included).
    const now = Date.now() + SETTLE_MS + 100;
    const outcomes = await Promise.all(['instance-a', 'instance-b', 'instance-c'].map((holder) => runJob(reader, now, holder)));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['ran', 'skipped', 'skipped']);
    expect(await getDb().select({ id: notifyDeliveries.id }).from(notifyDeliveries).where(eq(notifyDeliveries.destinationId, dest!.id))).toHaveLength(1);
    // Not again before its interval, on any instance; then on one.
    expect((await Promise.all(['instance-a', 'instance-b'].map((holder) => runJob(reader, now + 1_000, holder)))).map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect((await Promise.all(['instance-a', 'instance-b'].map((holder) => runJob(reader, now + 5_000, holder)))).filter((o) => o.status === 'ran')).toHaveLength(1);
    // An instance that died mid-run holds it until its lease has run out; then another takes it over.
    const later = now + 10_000;
    expect(await claimJob(reader.name, 'dead-instance', later, 25_000)).not.toBeNull();
    expect((await runJob(reader, later + 24_999, 'instance-b')).status).toBe('skipped');
    expect((await runJob(reader, later + 25_000, 'instance-b')).status).toBe('ran');
    expect(await getDb().select({ id: notifyDeliveries.id }).from(notifyDeliveries).where(eq(notifyDeliveries.destinationId, dest!.id))).toHaveLength(1);
  });
});

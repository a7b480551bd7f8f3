import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifyDeliveries } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { detectEvents } from './events';
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

  it('lets one instance read the audit log at a time (the reader is leased)', async () => {
    const now = Date.now();
    const [a, b] = await Promise.all([detectEvents('instance-a', now), detectEvents('instance-b', now)]);
    expect([a, b].filter((r) => r === null)).toHaveLength(1);
    // The holder keeps it while it lives; the other gets it once the lease has run out.
    const holder = a === null ? 'instance-b' : 'instance-a';
    const other = holder === 'instance-a' ? 'instance-b' : 'instance-a';
    expect(await detectEvents(other, now + 1_000)).toBeNull();
    expect(await detectEvents(holder, now + 1_000)).not.toBeNull();
    expect(await detectEvents(other, now + 1_000 + 26_000)).not.toBeNull();
  });
});

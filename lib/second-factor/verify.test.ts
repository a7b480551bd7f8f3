import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { admins, auditEvents } from '@/db/schema';
import { getDb } from '@/db';
import { beginTotpSetup, confirmTotpSetup } from '@/lib/admins/two-factor';
import { makeAccount, testContext } from '@/lib/testing/factories';
import { unseal } from '@/lib/auth/secret-box';
import { MAX_SECOND_FACTOR_ANSWERS, TOTP_SECRET_PURPOSE } from '@/lib/auth/second-factor';
import { verifySecondFactor } from './verify';
import { totpCode } from '@/lib/auth/totp';

const T0 = 1_800_000_000_000; // a 30-second step boundary
const STEP = 30_000;
const from = (clientIp: string) => ({ ...testContext, clientIp });

/** An admin with TOTP confirmed from `home` (which makes it a known network for the second factor). */
async function enrolled(home: string) {
  const a = await makeAccount();
  const admin = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
  await beginTotpSetup(admin.id);
  const [row] = await getDb().select({ pending: admins.totpPendingSecret }).from(admins).where(eq(admins.id, admin.id));
  const secret = unseal(row!.pending!, TOTP_SECRET_PURPOSE)!;
  await confirmTotpSetup(admin, totpCode(secret, T0), from(home), T0);
  return { admin, secret };
}

const wrong = (secret: string, now: number) => String((Number(totpCode(secret, now)) + 500_000) % 1_000_000).padStart(6, '0');

// Issue 18 finding 7: anyone with an admin's password could lock the admin out with 5 wrong codes.
describe('second factor: no lock-out by someone without the device', () => {
  it('5+ wrong codes from an attacker do not lock the admin out at their own known network; outside it the limit holds', async () => {
    const { admin, secret } = await enrolled('192.0.2.80');
    let now = T0 + 2 * STEP;
    const attacker = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push((await verifySecondFactor({ admin, code: wrong(secret, now), context: from(attacker[i % 3]!), now: now + i })).ok === false);
    expect(answers.every(Boolean)).toBe(true);
    // Outside the admin's networks, at most 5 answers were checked, wherever from…
    expect(await verifySecondFactor({ admin, code: totpCode(secret, now), context: from('198.51.100.77'), now })).toMatchObject({ ok: false, reason: 'throttled' });
    // …and the admin, at the network they completed a second step from, still gets in with the right code.
    now += STEP;
    expect(await verifySecondFactor({ admin, code: totpCode(secret, now), context: from('192.0.2.81'), now })).toEqual({ ok: true, method: 'totp' });
    const failed = await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.event, 'admin_second_factor_failed'), eq(auditEvents.accountId, admin.accountId)));
    expect(failed.filter((r) => r.detail?.reason === 'wrong_code')).toHaveLength(MAX_SECOND_FACTOR_ANSWERS);
  });

  it('one address gets 5 answers even at the admin\'s known network, and the known network has a limit of its own', async () => {
    const { admin, secret } = await enrolled('192.0.2.90');
    const now = T0 + 2 * STEP;
    let checked = 0;
    for (let i = 0; i < 8; i++) if ((await verifySecondFactor({ admin, code: wrong(secret, now), context: from('192.0.2.91'), now: now + i })).ok === false && (await lastReason(admin.accountId)) === 'wrong_code') checked++;
    expect(checked).toBe(5);
    for (let host = 92; host < 100; host++) await verifySecondFactor({ admin, code: wrong(secret, now), context: from(`192.0.2.${host}`), now: now + host });
    expect(await verifySecondFactor({ admin, code: totpCode(secret, now), context: from('192.0.2.90'), now: now + 200 })).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('over-long answers are counted like wrong codes and audited in aggregate, not one row each', async () => {
    const { admin, secret } = await enrolled('192.0.2.100');
    const now = T0 + 2 * STEP;
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await verifySecondFactor({ admin, code: '1'.repeat(65 + i), context: from('203.0.113.30'), now: now + i }));
    expect(results.slice(0, MAX_SECOND_FACTOR_ANSWERS).map((r) => r.ok === false && r.reason)).toEqual(Array(MAX_SECOND_FACTOR_ANSWERS).fill('failed'));
    expect(results.slice(MAX_SECOND_FACTOR_ANSWERS).every((r) => !r.ok && r.reason === 'throttled')).toBe(true);
    const rows = await getDb().select({ detail: auditEvents.detail, count: auditEvents.count }).from(auditEvents).where(and(eq(auditEvents.event, 'admin_second_factor_failed'), eq(auditEvents.accountId, admin.accountId)));
    expect(rows.map((r) => [r.detail?.reason, r.count]).sort()).toEqual([
      ['malformed', MAX_SECOND_FACTOR_ANSWERS],
      ['throttled', 30 - MAX_SECOND_FACTOR_ANSWERS],
    ]);
    // The admin's own device still works from home.
    expect(await verifySecondFactor({ admin, code: totpCode(secret, now + STEP), context: from('192.0.2.100'), now: now + STEP })).toEqual({ ok: true, method: 'totp' });
  });
});

async function lastReason(accountId: number): Promise<unknown> {
  const rows = await getDb().select({ id: auditEvents.id, detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.event, 'admin_second_factor_failed'), eq(auditEvents.accountId, accountId)));
  return rows.sort((x, y) => y.id - x.id)[0]?.detail?.reason;
}

import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { adminRecoveryCodes, admins } from '@/db/schema';
import { getDb } from '@/db';
import { unseal } from '@/lib/auth/secret-box';
import { TOTP_SECRET_PURPOSE } from '@/lib/auth/second-factor';
import { verifySecondFactor } from '@/lib/second-factor/verify';
import { totpCode } from '@/lib/auth/totp';
import { makeAccount, testContext } from '@/lib/testing/factories';
import { beginTotpSetup, confirmTotpSetup, resetAdminTwoFactor, setRequireTwoFactor, twoFactorSummary } from './two-factor';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';

const T0 = 1_800_000_000_000; // a 30-second step boundary

async function enrolled(now = T0) {
  const a = await makeAccount();
  const admin = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
  await beginTotpSetup(admin.id);
  const [row] = await getDb().select({ pending: admins.totpPendingSecret }).from(admins).where(eq(admins.id, admin.id));
  const secret = unseal(row!.pending!, TOTP_SECRET_PURPOSE)!;
  const { recoveryCodes } = await confirmTotpSetup(admin, totpCode(secret, now), testContext, now);
  return { a, admin, secret, recoveryCodes };
}

describe('admin two-factor', () => {
  it('stores the secret encrypted and the recovery codes hashed', async () => {
    const { admin, secret, recoveryCodes } = await enrolled();
    const [row] = await getDb().select({ secret: admins.totpSecret }).from(admins).where(eq(admins.id, admin.id));
    expect(row!.secret).not.toContain(secret);
    expect(unseal(row!.secret!, TOTP_SECRET_PURPOSE)).toBe(secret);
    expect(recoveryCodes).toHaveLength(10);
    const stored = await getDb().select({ hash: adminRecoveryCodes.codeHash }).from(adminRecoveryCodes).where(eq(adminRecoveryCodes.adminId, admin.id));
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) expect(stored.map((s) => s.hash)).not.toContain(code);
    expect((await twoFactorSummary(admin.id)).totpEnabled).toBe(true);
  });

  it('is enabled only after a correct code', async () => {
    const a = await makeAccount();
    const admin = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
    await beginTotpSetup(admin.id);
    await expect(confirmTotpSetup(admin, '000000', testContext, T0)).rejects.toBeInstanceOf(ValidationError);
    // Refusals carry a code, so that the page says them in the reader's language (lib/service-problems.ts).
    await expect(confirmTotpSetup(admin, '000000', testContext, T0)).rejects.toMatchObject({ problem: { code: 'totp_wrong_code' } });
    await expect(confirmTotpSetup(admin, '1'.repeat(65), testContext, T0)).rejects.toMatchObject({ problem: { code: 'totp_six_digits' } });
    expect((await twoFactorSummary(admin.id)).totpEnabled).toBe(false);
  });

  it('replay: the confirming code, and any used code, cannot be used again (and is reported as used); a later step can', async () => {
    const { admin, secret } = await enrolled(T0);
    // The code that confirmed the setup counts as used.
    expect(await verifySecondFactor({ admin, code: totpCode(secret, T0), context: testContext, now: T0 + 1000 })).toEqual({ ok: false, reason: 'used' });
    const next = T0 + 30_000;
    expect(await verifySecondFactor({ admin, code: totpCode(secret, next), context: testContext, now: next })).toEqual({ ok: true, method: 'totp' });
    expect(await verifySecondFactor({ admin, code: totpCode(secret, next), context: testContext, now: next + 5000 })).toEqual({ ok: false, reason: 'used' });
    // An older code still inside the ±1 window after a newer one was used.
    const later = T0 + 60_000;
    expect(await verifySecondFactor({ admin, code: totpCode(secret, later + 30_000), context: testContext, now: later })).toEqual({ ok: true, method: 'totp' });
    expect(await verifySecondFactor({ admin, code: totpCode(secret, later), context: testContext, now: later })).toEqual({ ok: false, reason: 'used' });
    // A wrong code stays the generic failure.
    expect(await verifySecondFactor({ admin, code: '000000', context: testContext, now: later })).toEqual({ ok: false, reason: 'failed' });
  });

  it('concurrent submissions of one code: exactly one passes', async () => {
    const { admin, secret } = await enrolled(T0);
    const now = T0 + 30_000;
    const code = totpCode(secret, now);
    const results = await Promise.all(Array.from({ length: 4 }, () => verifySecondFactor({ admin, code, context: testContext, now })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('a recovery code works once', async () => {
    const { admin, recoveryCodes } = await enrolled();
    const code = recoveryCodes[0]!;
    expect(await verifySecondFactor({ admin, code: code.toUpperCase(), context: testContext, now: T0 })).toEqual({ ok: true, method: 'recovery_code' });
    expect(await verifySecondFactor({ admin, code, context: testContext, now: T0 })).toEqual({ ok: false, reason: 'used' });
    // A code that was never one of this admin's (another admin's used one included) is simply wrong.
    const other = await enrolled();
    expect(await verifySecondFactor({ admin: other.admin, code: other.recoveryCodes[0]!, context: testContext, now: T0 })).toEqual({ ok: true, method: 'recovery_code' });
    expect(await verifySecondFactor({ admin, code: other.recoveryCodes[0]!, context: testContext, now: T0 })).toEqual({ ok: false, reason: 'failed' });
    expect(await verifySecondFactor({ admin, code: 'abcde-fghjk', context: testContext, now: T0 })).toEqual({ ok: false, reason: 'failed' });
    // The API's `totp` takes authenticator codes only.
    expect(await verifySecondFactor({ admin, code: recoveryCodes[1]!, context: testContext, now: T0, accept: 'totp' })).toEqual({ ok: false, reason: 'failed' });
  });

  it('throttles wrong codes: 5 per admin per 15 minutes from any address, then even a right code waits', async () => {
    const { admin, secret } = await enrolled(T0);
    const now = T0 + 30_000;
    for (let i = 0; i < 5; i++) {
      const ctx = { ...testContext, clientIp: `203.0.113.${i + 1}` };
      expect(await verifySecondFactor({ admin, code: '000000', context: ctx, now: now + i })).toEqual({ ok: false, reason: 'failed' });
    }
    const limited = await verifySecondFactor({ admin, code: totpCode(secret, now), context: { ...testContext, clientIp: '192.0.2.99' }, now: now + 10 });
    expect(limited).toMatchObject({ ok: false, reason: 'throttled' });
    // The window passes (injected clock): a right code works again.
    const after = now + 15 * 60_000 + 30_000;
    expect(await verifySecondFactor({ admin, code: totpCode(secret, after), context: testContext, now: after })).toEqual({ ok: true, method: 'totp' });
  });

  it('policy needs the acting admin to have two-factor; reset is scoped to the account', async () => {
    const a = await makeAccount();
    const plain = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
    await expect(setRequireTwoFactor(plain, true, testContext)).rejects.toMatchObject({ field: 'requireTwoFactor', problem: { code: 'admin_require_self_first' } });
    const { a: b, admin } = await enrolled();
    expect(await setRequireTwoFactor(admin, true, testContext)).toBe(true);
    // Another account's admin is "not found"; one's own goes through the Security page.
    await expect(resetAdminTwoFactor(a.scope, admin.email, testContext, a.adminId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resetAdminTwoFactor(a.scope, admin.email, testContext, a.adminId)).rejects.toMatchObject({ problem: { code: 'admin_not_found', values: { address: admin.email } } });
    await expect(resetAdminTwoFactor(b.scope, admin.email, testContext, admin.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(resetAdminTwoFactor(b.scope, admin.email, testContext, admin.id)).rejects.toMatchObject({ message: 'Use "Turn off two-factor" on the Security page for your own.', problem: { code: 'admin_reset_own' } });
    await resetAdminTwoFactor(b.scope, admin.email, testContext, null);
    expect((await twoFactorSummary(admin.id)).totpEnabled).toBe(false);
  });
});

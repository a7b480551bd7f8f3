import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { accounts, adminPasskeys, admins, auditEvents } from '@/db/schema';
import { getDb } from '@/db';
import { checkAdminSession } from '@/lib/session/check';
import { hasPasskey } from '@/lib/auth/passkey-presence';
import { verifyPasskeySignIn } from '@/lib/second-factor/passkey';
import { challengeStore } from '@/lib/auth/webauthn-challenge';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import { makeAccount, testContext } from '@/lib/testing/factories';
import { listPasskeys, renamePasskey } from './passkeys';
import { resetAdminTwoFactor, setRequireTwoFactor, twoFactorSummary } from './two-factor';

async function withPasskey(name = 'Laptop') {
  const a = await makeAccount();
  const admin = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
  const [row] = await getDb()
    .insert(adminPasskeys)
    .values({ adminId: admin.id, accountId: a.accountId, credentialId: `cred-${admin.id}-${name}`, publicKey: 'AAAA', name })
    .returning({ id: adminPasskeys.id, credentialId: adminPasskeys.credentialId });
  return { a, admin, passkey: row! };
}

const reasonsOf = async (accountId: number) =>
  (await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, 'admin_second_factor_failed')))).map((r) => (r.detail as { reason?: string }).reason);

describe('admin passkeys', () => {
  it('count as two-factor: summary, gate and the account policy', async () => {
    const { a, admin } = await withPasskey();
    expect((await twoFactorSummary(admin.id)).hasPasskey).toBe(true);
    expect(await setRequireTwoFactor(admin, true, testContext)).toBe(true);
    const [acc] = await getDb().select({ required: accounts.requireTwoFactor }).from(accounts).where(eq(accounts.id, a.accountId));
    expect(acc!.required).toBe(true);
    const verdict = await checkAdminSession({ kind: 'admin', uid: admin.id, sv: 1 } as never, null);
    expect(verdict.admin).toMatchObject({ twoFactor: true, enrolmentRequired: false });
  });

  it("are renamed only by their admin; another admin's id is not found", async () => {
    const { admin, passkey } = await withPasskey('Mine');
    const other = await withPasskey('Theirs');
    await expect(renamePasskey(other.admin, passkey.id, 'Stolen', testContext)).rejects.toBeInstanceOf(NotFoundError);
    await expect(renamePasskey(other.admin, passkey.id, 'Stolen', testContext)).rejects.toMatchObject({ message: 'Passkey not found', problem: { code: 'passkey_not_found' } });
    // The name rules of the rename form, coded so that the page words them (lib/service-problems.ts).
    await expect(renamePasskey(admin, passkey.id, '', testContext)).rejects.toMatchObject({ field: 'name', problem: { code: 'passkey_name_empty' } });
    await renamePasskey(admin, passkey.id, 'Renamed', testContext);
    expect((await listPasskeys(admin.id)).map((p) => p.name)).toEqual(['Renamed']);
  });

  it("are removed by a reset of the admin's two-factor", async () => {
    const { a, admin } = await withPasskey();
    await expect(resetAdminTwoFactor(a.scope, admin.email, testContext, admin.id)).rejects.toBeInstanceOf(ForbiddenError);
    await resetAdminTwoFactor(a.scope, admin.email, testContext, null);
    expect(await listPasskeys(admin.id)).toEqual([]);
    expect((await twoFactorSummary(admin.id)).hasPasskey).toBe(false);
  });

  it("sign-in: needs this pending session's challenge, once, and only the admin's own passkeys", async () => {
    const { admin } = await withPasskey();
    const other = await withPasskey('Other');
    const context = { ...testContext, clientIp: '192.0.2.10' };
    const base = { admin, context, host: 'localhost:3000' };
    // No challenge issued for this session.
    expect(await verifyPasskeySignIn({ ...base, pendingSessionId: 'sid-1', response: { id: `cred-${admin.id}-Laptop` } })).toEqual({ ok: false, reason: 'failed' });
    // Another admin's passkey, with a valid challenge: unknown; the challenge is then used up.
    await challengeStore().put({ purpose: 'sign-in', adminId: admin.id, sessionId: 'sid-1' }, 'challenge');
    expect(await verifyPasskeySignIn({ ...base, pendingSessionId: 'sid-1', response: { id: other.passkey.credentialId } })).toEqual({ ok: false, reason: 'failed' });
    expect(await challengeStore().take({ purpose: 'sign-in', adminId: admin.id, sessionId: 'sid-1' })).toBeNull();
    // Not an answer at all.
    expect(await verifyPasskeySignIn({ ...base, pendingSessionId: 'sid-1', response: 'x'.repeat(10) })).toEqual({ ok: false, reason: 'failed' });
    expect(await reasonsOf(admin.accountId)).toEqual(expect.arrayContaining(['passkey_challenge_missing', 'passkey_unknown', 'malformed']));
  });
});

describe('hasPasskey', () => {
  it('correlates with the outer admins row, also in a select from admins alone', async () => {
    expect(getDb().select({ hasPasskey }).from(admins).toSQL().sql).toContain('"admin_passkeys"."admin_id" = "admins"."id"');
    // An admin without passkeys, whatever ids the passkey rows have.
    const plain = await makeAccount();
    for (let i = 0; i < 3; i++) await withPasskey(`k${i}`);
    const [row] = await getDb().select({ hasPasskey }).from(admins).where(eq(admins.id, plain.adminId));
    expect(row!.hasPasskey).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { adminApiKeys, adminRecoveryCodes, admins, auditEvents, webSessions } from '@/db/schema';
import { getDb } from '@/db';
import { unseal } from '@/lib/auth/secret-box';
import { TOTP_SECRET_PURPOSE } from '@/lib/auth/second-factor';
import { totpCode } from '@/lib/auth/totp';
import { createWebSession, hashSessionId } from '@/lib/session/row';
import { ReauthRequiredError } from '@/lib/errors';
import { tooManyAttempts } from '@/lib/auth/messages';
import { adminStepSession, makeAccount, testContext } from '@/lib/testing/factories';
import { createApiKey, listApiKeys } from './api-keys';
import { REAUTH_FAILED, REAUTH_WINDOW_MS, reauthenticate, reauthIsRecent, requireRecentReauth } from './reauth';
import { addAdmin, listAdmins } from './service';
import { beginTotpSetup, confirmTotpSetup, disableOwnTwoFactor, regenerateRecoveryCodes, twoFactorSummary } from './two-factor';

const SIX_MINUTES_AGO = () => Date.now() - 6 * 60_000;
const NEW_ADMIN_PASSWORD = 'Harbour-Lantern-Orbit-47';

async function admin(options: { totp?: boolean } = {}) {
  const a = await makeAccount();
  const owner = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
  let secret: string | null = null;
  if (options.totp) {
    await beginTotpSetup(owner.id);
    const [row] = await getDb().select({ pending: admins.totpPendingSecret }).from(admins).where(eq(admins.id, owner.id));
    secret = unseal(row!.pending!, TOTP_SECRET_PURPOSE)!;
    // Enrolled a minute ago, so that the current code is fresh (a used step is never accepted again).
    const then = Date.now() - 60_000;
    await confirmTotpSetup(owner, totpCode(secret, then), testContext, then);
    // The enrolment's recovery codes date from an hour ago (so that new ones are told apart).
    await getDb().update(adminRecoveryCodes).set({ createdAt: new Date(Date.now() - 3_600_000) }).where(eq(adminRecoveryCodes.adminId, owner.id));
  }
  return { a, owner, secret };
}

const auditOf = async (accountId: number, event: string) =>
  (await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, event)))).map((r) => r.detail);

type Made = Awaited<ReturnType<typeof admin>>;
/** Each sensitive step, run in `proof`'s session, and how to see that it took effect. */
const steps: { name: string; totp: boolean; run: (m: Made, proof: { adminId: number; sid: string } | null) => Promise<unknown>; done: (m: Made) => Promise<boolean> }[] = [
  {
    name: 'creating an API key',
    totp: false,
    run: (m, proof) => createApiKey(m.owner, { label: 'Backup' }, testContext, proof),
    done: async (m) => (await listApiKeys(m.owner.id)).length === 1,
  },
  {
    name: 'adding an admin',
    totp: false,
    run: (m, proof) => addAdmin(m.a.scope, { email: `deputy@${m.a.domain}`, password: NEW_ADMIN_PASSWORD }, testContext, proof),
    done: async (m) => (await listAdmins(m.a.scope)).length === 2,
  },
  {
    name: 'turning two-factor off',
    totp: true,
    run: (m, proof) => disableOwnTwoFactor(m.owner, proof, testContext),
    done: async (m) => !(await twoFactorSummary(m.owner.id)).totpEnabled,
  },
  {
    name: 'regenerating recovery codes',
    totp: true,
    run: (m, proof) => regenerateRecoveryCodes(m.owner, proof, testContext),
    // Fresh codes replace the enrolment's (dated an hour back).
    done: async (m) => (await getDb().select({ at: adminRecoveryCodes.createdAt }).from(adminRecoveryCodes).where(eq(adminRecoveryCodes.adminId, m.owner.id))).every((r) => r.at.getTime() > Date.now() - 30_000),
  },
];

describe('sensitive steps ask again (spec §23)', () => {
  it('a proof counts for 5 minutes (injected clock)', () => {
    const at = new Date(1_800_000_000_000);
    expect(reauthIsRecent(at, at.getTime())).toBe(true);
    expect(reauthIsRecent(at, at.getTime() + REAUTH_WINDOW_MS - 1)).toBe(true);
    expect(reauthIsRecent(at, at.getTime() + REAUTH_WINDOW_MS)).toBe(false);
    expect(reauthIsRecent(at, at.getTime() + 6 * 60_000)).toBe(false);
    expect(reauthIsRecent(null, at.getTime())).toBe(false);
  });

  for (const step of steps) {
    it(`${step.name}: right after sign-in it runs; 6 minutes later it asks again; a wrong password is refused and audited; the right one${step.totp ? ' with a code' : ''} lets it run`, async () => {
      const fresh = await admin({ totp: step.totp });
      await step.run(fresh, await adminStepSession(fresh.owner.id));
      expect(await step.done(fresh)).toBe(true);

      const m = await admin({ totp: step.totp });
      const proof = await adminStepSession(m.owner.id, SIX_MINUTES_AGO());
      await expect(step.run(m, proof)).rejects.toBeInstanceOf(ReauthRequiredError);
      await expect(step.run(m, null)).rejects.toBeInstanceOf(ReauthRequiredError);
      expect(await step.done(m)).toBe(false);

      expect(await reauthenticate(m.owner, proof, { password: 'Not-The-Password-00', code: m.secret ? totpCode(m.secret, Date.now()) : undefined }, testContext)).toEqual({ ok: false, message: REAUTH_FAILED });
      expect(await auditOf(m.a.accountId, 'admin_reauth_failed')).toEqual([{ admin: m.owner.email, reason: 'bad_password' }]);
      await expect(step.run(m, proof)).rejects.toBeInstanceOf(ReauthRequiredError);

      if (m.secret) {
        // Two-factor on: the password alone does not do.
        expect(await reauthenticate(m.owner, proof, { password: m.a.adminPassword }, testContext)).toEqual({ ok: false, message: REAUTH_FAILED });
        expect(await reauthenticate(m.owner, proof, { password: m.a.adminPassword, code: '000000' }, testContext)).toEqual({ ok: false, message: REAUTH_FAILED });
        await expect(step.run(m, proof)).rejects.toBeInstanceOf(ReauthRequiredError);
      }
      expect(await reauthenticate(m.owner, proof, { password: m.a.adminPassword, code: m.secret ? totpCode(m.secret, Date.now()) : undefined }, testContext)).toEqual({ ok: true });
      expect(await auditOf(m.a.accountId, 'admin_reauthenticated')).toEqual([{ admin: m.owner.email, ...(m.secret ? { method: 'totp' } : {}) }]);
      await step.run(m, proof);
      expect(await step.done(m)).toBe(true);
    });
  }

  it('failed confirmations are throttled like sign-ins, audited; the right password is then refused too', async () => {
    const m = await admin();
    const proof = await adminStepSession(m.owner.id, SIX_MINUTES_AGO());
    for (let i = 0; i < 10; i++) expect((await reauthenticate(m.owner, proof, { password: `Wrong-Guess-${i}-xyz` }, testContext)).ok).toBe(false);
    const limited = await reauthenticate(m.owner, proof, { password: m.a.adminPassword }, testContext);
    expect(limited).toMatchObject({ ok: false, message: expect.stringMatching(/^Too many attempts\. Try again in \d+ minutes?\.$/) });
    // The minutes travel with the refusal, so that the form can say it in the reader's language.
    expect(limited).toMatchObject({ retryAfterMinutes: expect.any(Number) });
    if (!limited.ok) expect(limited.message).toBe(tooManyAttempts(limited.retryAfterMinutes!));
    await expect(createApiKey(m.owner, { label: 'x' }, testContext, proof)).rejects.toBeInstanceOf(ReauthRequiredError);
    const reasons = (await auditOf(m.a.accountId, 'admin_reauth_failed')).map((d) => d?.reason);
    expect(reasons.filter((r) => r === 'bad_password')).toHaveLength(10);
    expect(reasons).toContain('throttled');
  });

  it("only this session's proof counts: not another session of the admin, another admin's, or a pending sign-in", async () => {
    const m = await admin();
    const stale = await adminStepSession(m.owner.id, SIX_MINUTES_AGO());
    // A fresh sign-in elsewhere does not vouch for this browser.
    await adminStepSession(m.owner.id);
    await expect(createApiKey(m.owner, { label: 'x' }, testContext, stale)).rejects.toBeInstanceOf(ReauthRequiredError);
    const other = await admin();
    const othersFresh = await adminStepSession(other.owner.id);
    await expect(createApiKey(m.owner, { label: 'x' }, testContext, { adminId: m.owner.id, sid: othersFresh.sid })).rejects.toBeInstanceOf(ReauthRequiredError);
    expect((await reauthenticate(m.owner, othersFresh, { password: m.a.adminPassword }, testContext)).ok).toBe(false);
    const pendingSid = await createWebSession({ kind: 'admin', subjectId: m.owner.id, sessionVersion: 1, clientIp: null, userAgent: null, pending: 'second_factor' });
    const [row] = await getDb().select({ at: webSessions.reauthenticatedAt }).from(webSessions).where(eq(webSessions.sidHash, hashSessionId(pendingSid)));
    expect(row!.at).toBeNull();
    await expect(requireRecentReauth({ adminId: m.owner.id, sid: pendingSid })).rejects.toBeInstanceOf(ReauthRequiredError);
    expect(await getDb().select({ id: adminApiKeys.id }).from(adminApiKeys).where(eq(adminApiKeys.adminId, m.owner.id))).toEqual([]);
  });
});

import { and, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, mailboxes, mailboxRecoveryCodes, mailKicks, webSessions } from '@/db/schema';
import { getDb } from '@/db';
import { getAccountPolicy, setAccountPolicy } from '@/lib/accounts/policy';
import { checkMailboxSession } from '@/lib/session/check';
import { createApiSession, signInToApi, verifyApiSession } from '@/lib/session/api-session';
import { unseal } from '@/lib/auth/secret-box';
import { TOTP_SECRET_PURPOSE } from '@/lib/auth/second-factor';
import { verifyMailboxSecondFactor, verifySecondFactor } from '@/lib/second-factor/verify';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { totpCode } from '@/lib/auth/totp';
import { createWebSession } from '@/lib/session/row';
import { NotFoundError, ReauthRequiredError, ValidationError } from '@/lib/errors';
import { MAIL_AUTH_STATUS, signInAnswer } from '@/lib/mail-auth/response';
import { operatorScope } from '@/lib/scope';
import { adminStepSession, MAILBOX_PASSWORD, makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';
import { beginMailboxTotpSetup, confirmMailboxTotpSetup, disableMailboxTwoFactor, mailboxTwoFactorSummary, regenerateMailboxRecoveryCodes, resetMailboxTwoFactor } from './two-factor';

const T0 = 1_800_000_000_000; // a 30-second step boundary
const STEP = 30_000;
const at = (clientIp: string, protocol: 'web' | 'api' | 'imap' = 'web') => ({ ...testContext, clientIp, protocol });

async function mailboxWithSession() {
  const account = await makeAccount();
  const view = await makeMailbox(account.domain);
  const mailbox = { id: view.id, email: view.email, accountId: account.accountId };
  const sid = await createWebSession({ kind: 'mailbox', subjectId: view.id, sessionVersion: 1, clientIp: '198.51.100.1', userAgent: null });
  return { account, mailbox, sid };
}

/** A mailbox with TOTP confirmed at T0 through the service, as /account/two-factor does. */
async function enrolled(t0 = T0) {
  const { account, mailbox, sid } = await mailboxWithSession();
  await beginMailboxTotpSetup(mailbox.id);
  const [row] = await getDb().select({ pending: mailboxes.totpPendingSecret }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
  const secret = unseal(row!.pending!, TOTP_SECRET_PURPOSE)!;
  const { recoveryCodes } = await confirmMailboxTotpSetup(mailbox, sid, totpCode(secret, t0), at('198.51.100.1'), t0);
  return { account, mailbox, sid, secret, recoveryCodes };
}

const events = async (mailboxId: number) => (await getDb().select({ event: auditEvents.event, detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.mailboxId, mailboxId)).orderBy(desc(auditEvents.id)));

describe('mailbox TOTP enrolment', () => {
  it('is enabled only by a correct code; then 10 hashed recovery codes exist, other sessions and mail connections end in the same change', async () => {
    const { mailbox, sid } = await mailboxWithSession();
    const other = await createWebSession({ kind: 'mailbox', subjectId: mailbox.id, sessionVersion: 1, clientIp: '198.51.100.2', userAgent: null });
    await beginMailboxTotpSetup(mailbox.id);
    const [row] = await getDb().select({ pending: mailboxes.totpPendingSecret }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
    const secret = unseal(row!.pending!, TOTP_SECRET_PURPOSE)!;
    const wrong = String((Number(totpCode(secret, T0)) + 1) % 1_000_000).padStart(6, '0');
    await expect(confirmMailboxTotpSetup(mailbox, sid, wrong, at('198.51.100.1'), T0)).rejects.toBeInstanceOf(ValidationError);
    expect((await mailboxTwoFactorSummary(mailbox.id)).enabled).toBe(false);

    const { recoveryCodes } = await confirmMailboxTotpSetup(mailbox, sid, totpCode(secret, T0), at('198.51.100.1'), T0);
    expect(recoveryCodes).toHaveLength(10);
    const summary = await mailboxTwoFactorSummary(mailbox.id);
    expect(summary).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const stored = await getDb().select({ hash: mailboxRecoveryCodes.codeHash }).from(mailboxRecoveryCodes).where(eq(mailboxRecoveryCodes.mailboxId, mailbox.id));
    for (const code of recoveryCodes) expect(stored.map((s) => s.hash)).not.toContain(code);
    // This browser's session stays; the other one ended; a disconnect is queued (spec §18).
    const sessions = await getDb().select({ id: webSessions.id }).from(webSessions).where(and(eq(webSessions.kind, 'mailbox'), eq(webSessions.subjectId, mailbox.id)));
    expect(sessions).toHaveLength(1);
    expect((await checkMailboxSession({ uid: mailbox.id, sv: 1, sid }, '198.51.100.1')).ok).toBe(true);
    expect((await checkMailboxSession({ uid: mailbox.id, sv: 1, sid: other }, '198.51.100.2')).ok).toBe(false);
    expect((await getDb().select({ reason: mailKicks.reason }).from(mailKicks).where(eq(mailKicks.email, mailbox.email))).map((r) => r.reason)).toEqual(['two_factor']);
    expect((await events(mailbox.id)).map((e) => e.event)).toContain('two_factor_enabled');
  });
});

describe('mailbox second factor (the admins\' primitives with a mailbox subject)', () => {
  it('accepts the current code once: the same code again is "used"', async () => {
    const { mailbox, secret } = await enrolled();
    const now = T0 + 2 * STEP;
    expect(await verifyMailboxSecondFactor({ mailbox, code: totpCode(secret, now), context: at('198.51.100.1'), now })).toEqual({ ok: true, method: 'totp' });
    expect(await verifyMailboxSecondFactor({ mailbox, code: totpCode(secret, now), context: at('198.51.100.1'), now: now + 1000 })).toEqual({ ok: false, reason: 'used' });
  });

  it('a recovery code works once', async () => {
    const { mailbox, recoveryCodes } = await enrolled();
    const code = recoveryCodes[0]!.toUpperCase();
    expect(await verifyMailboxSecondFactor({ mailbox, code, context: at('198.51.100.1') })).toEqual({ ok: true, method: 'recovery_code' });
    expect(await verifyMailboxSecondFactor({ mailbox, code, context: at('198.51.100.1') })).toEqual({ ok: false, reason: 'used' });
    expect((await mailboxTwoFactorSummary(mailbox.id)).recoveryCodesLeft).toBe(9);
    expect((await events(mailbox.id)).map((e) => e.event)).toContain('recovery_code_used');
  });

  it('5 wrong codes per mailbox per 15 minutes, then throttled (even the right code)', async () => {
    const { mailbox, secret } = await enrolled();
    const now = T0 + 2 * STEP;
    const wrong = String((Number(totpCode(secret, now)) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) expect(await verifyMailboxSecondFactor({ mailbox, code: wrong, context: at(`203.0.113.${i + 1}`), now: now + i })).toEqual({ ok: false, reason: 'failed' });
    expect(await verifyMailboxSecondFactor({ mailbox, code: totpCode(secret, now), context: at('203.0.113.9'), now: now + 10 })).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it("a mailbox's codes and an admin's are separate: an admin with the same id is not checked against the mailbox's secret", async () => {
    const { mailbox, secret } = await enrolled();
    const now = T0 + 2 * STEP;
    const admin = { id: mailbox.id, email: 'nobody@example.test', accountId: mailbox.accountId };
    expect((await verifySecondFactor({ admin, code: totpCode(secret, now), context: at('198.51.100.1'), now })).ok).toBe(false);
  });
});

describe('sign-in of a mailbox with two-factor', () => {
  it('web: the password step does not sign in (password_accepted, no login_succeeded)', async () => {
    const { mailbox } = await enrolled();
    const result = await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1'), allowPendingReset: true });
    expect(result).toMatchObject({ ok: true, secondFactor: true, mailbox: { twoFactor: true } });
    const names = (await events(mailbox.id)).map((e) => e.event);
    expect(names[0]).toBe('password_accepted');
  });

  it('a pending web session passes the gate as pending only', async () => {
    const { mailbox } = await enrolled();
    const sid = await createWebSession({ kind: 'mailbox', subjectId: mailbox.id, sessionVersion: 1, clientIp: '198.51.100.1', userAgent: null, pending: 'second_factor' });
    expect(await checkMailboxSession({ uid: mailbox.id, sv: 1, sid }, '198.51.100.1')).toMatchObject({ ok: true, pending: true });
  });

  it('IMAP (auth_http): the account password is refused with "Use an app password for mail apps"', async () => {
    const { mailbox } = await enrolled();
    const result = await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1', 'imap'), allowPendingReset: false });
    expect(result).toEqual({ ok: false, reason: 'app_password_required' });
    const answer = signInAnswer(result, { backend: { host: '127.0.0.1', port: 143 } as never, password: MAILBOX_PASSWORD, loginAttempt: 1, waitSeconds: 2 });
    expect(answer.headers['Auth-Status']).toBe('Use an app password for mail apps');
    expect(MAIL_AUTH_STATUS.appPasswordRequired).toBe('Use an app password for mail apps');
    expect((await events(mailbox.id))[0]).toMatchObject({ event: 'login_failed', detail: { reason: 'app_password_required' } });
    // A wrong password still gets the generic refusal: the message is only for the right one.
    expect(await verifyMailboxSignIn({ email: mailbox.email, password: 'wrong-wrong-wrong', context: at('198.51.100.1', 'imap'), allowPendingReset: false })).toEqual({ ok: false, reason: 'failed' });
  });

  it('the API: the password alone is refused; with the current code it signs in; the same code again is refused', async () => {
    // Enrolled one step ago on the real clock (the API takes no injected time).
    const { mailbox, secret } = await enrolled(Date.now() - STEP);
    expect(await signInToApi({ user: mailbox.email, pass: MAILBOX_PASSWORD, context: at('198.51.100.1', 'api') })).toEqual({ ok: false, reason: 'failed' });
    const code = totpCode(secret, Date.now());
    expect(await signInToApi({ user: mailbox.email, pass: MAILBOX_PASSWORD, totp: code, context: at('198.51.100.1', 'api') })).toMatchObject({ ok: true, level: 'mail' });
    expect(await signInToApi({ user: mailbox.email, pass: MAILBOX_PASSWORD, totp: code, context: at('198.51.100.1', 'api') })).toEqual({ ok: false, reason: 'failed' });
  });

  it('without two-factor, IMAP with the account password still signs in', async () => {
    const { mailbox } = await mailboxWithSession();
    expect(await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1', 'imap'), allowPendingReset: false })).toMatchObject({ ok: true });
  });
});

describe('new recovery codes', () => {
  it('need the password and a current code; then 10 new codes work and every old one, used or not, is refused', async () => {
    const { mailbox, secret, recoveryCodes: old } = await enrolled();
    const now = T0 + 4 * STEP;
    expect(await verifyMailboxSecondFactor({ mailbox, code: old[0]!, context: at('198.51.100.1'), now })).toEqual({ ok: true, method: 'recovery_code' });
    await expect(regenerateMailboxRecoveryCodes(mailbox, { password: 'not-the-password', code: totpCode(secret, now) }, at('198.51.100.1'), now)).rejects.toBeInstanceOf(ValidationError);
    await expect(regenerateMailboxRecoveryCodes(mailbox, { password: MAILBOX_PASSWORD, code: old[0]! }, at('198.51.100.1'), now)).rejects.toBeInstanceOf(ValidationError);
    expect((await mailboxTwoFactorSummary(mailbox.id)).recoveryCodesLeft).toBe(9);
    const refused = await events(mailbox.id);
    expect(refused.find((e) => e.event === 'two_factor_change_refused')?.detail).toMatchObject({ reason: 'bad_password', step: 'regenerate_recovery_codes' });

    const fresh = await regenerateMailboxRecoveryCodes(mailbox, { password: MAILBOX_PASSWORD, code: totpCode(secret, now + STEP) }, at('198.51.100.1'), now + STEP);
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => old.includes(c))).toEqual([]);
    expect(await mailboxTwoFactorSummary(mailbox.id)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    expect((await events(mailbox.id)).map((e) => e.event)).toContain('recovery_codes_regenerated');
    // Old codes, used and unused, open nothing; a new one works once.
    expect(await verifyMailboxSecondFactor({ mailbox, code: old[1]!, context: at('198.51.100.1'), now: now + 2 * STEP })).toEqual({ ok: false, reason: 'failed' });
    expect(await verifyMailboxSecondFactor({ mailbox, code: old[0]!, context: at('198.51.100.1'), now: now + 2 * STEP })).toEqual({ ok: false, reason: 'failed' });
    expect(await verifyMailboxSecondFactor({ mailbox, code: fresh[0]!, context: at('198.51.100.1'), now: now + 2 * STEP })).toEqual({ ok: true, method: 'recovery_code' });
  });

  it('a recovery code can be the proof (it is replaced with the rest); refused while two-factor is off', async () => {
    const { mailbox, recoveryCodes: old } = await enrolled();
    const fresh = await regenerateMailboxRecoveryCodes(mailbox, { password: MAILBOX_PASSWORD, code: old[3]! }, at('198.51.100.1'), T0 + STEP);
    expect(fresh).toHaveLength(10);
    expect((await mailboxTwoFactorSummary(mailbox.id)).recoveryCodesLeft).toBe(10);

    const { mailbox: plain } = await mailboxWithSession();
    await expect(regenerateMailboxRecoveryCodes(plain, { password: MAILBOX_PASSWORD, code: '123456' }, at('198.51.100.1'), T0)).rejects.toBeInstanceOf(ValidationError);
    expect((await mailboxTwoFactorSummary(plain.id)).recoveryCodesLeft).toBe(0);
  });
});

describe('turning two-factor off and the admin reset', () => {
  it('off needs the password and a current code; then IMAP takes the account password again', async () => {
    const { mailbox, secret } = await enrolled();
    const now = T0 + 4 * STEP;
    await expect(disableMailboxTwoFactor(mailbox, { password: 'not-the-password', code: totpCode(secret, now) }, at('198.51.100.1'), now)).rejects.toBeInstanceOf(ValidationError);
    await expect(disableMailboxTwoFactor(mailbox, { password: MAILBOX_PASSWORD, code: '000000' === totpCode(secret, now) ? '111111' : '000000' }, at('198.51.100.1'), now)).rejects.toBeInstanceOf(ValidationError);
    expect((await mailboxTwoFactorSummary(mailbox.id)).enabled).toBe(true);
    await disableMailboxTwoFactor(mailbox, { password: MAILBOX_PASSWORD, code: totpCode(secret, now + STEP) }, at('198.51.100.1'), now + STEP);
    expect(await mailboxTwoFactorSummary(mailbox.id)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect((await events(mailbox.id)).map((e) => e.event)).toContain('two_factor_disabled');
    expect(await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1', 'imap'), allowPendingReset: false })).toMatchObject({ ok: true });
  });

  it("reset by the account's admin needs a recent re-authentication, ends the mailbox's sessions and is audited", async () => {
    const { account, mailbox, sid } = await enrolled();
    const ctx = { ...testContext, actor: { kind: 'admin' as const, id: account.adminId, email: account.adminEmail } };
    const stale = await adminStepSession(account.adminId, Date.now() - 10 * 60_000);
    await expect(resetMailboxTwoFactor(account.scope, mailbox.email, stale, ctx)).rejects.toBeInstanceOf(ReauthRequiredError);
    await expect(resetMailboxTwoFactor(account.scope, mailbox.email, null, ctx)).rejects.toBeInstanceOf(ReauthRequiredError);
    expect((await mailboxTwoFactorSummary(mailbox.id)).enabled).toBe(true);
    const fresh = await adminStepSession(account.adminId);
    expect(await resetMailboxTwoFactor(account.scope, mailbox.email, fresh, ctx)).toEqual({ id: mailbox.id, wasOn: true });
    expect(await mailboxTwoFactorSummary(mailbox.id)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect((await checkMailboxSession({ uid: mailbox.id, sv: 1, sid }, '198.51.100.1')).ok).toBe(false);
    expect((await events(mailbox.id))[0]).toMatchObject({ event: 'two_factor_reset', detail: { was_on: true } });
  });

  it("another account's admin cannot reset it: not found, like a missing mailbox", async () => {
    const { mailbox } = await enrolled();
    const other = await makeAccount();
    const proof = await adminStepSession(other.adminId);
    await expect(resetMailboxTwoFactor(other.scope, mailbox.email, proof, testContext)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resetMailboxTwoFactor(other.scope, `missing@${other.domain}`, proof, testContext)).rejects.toBeInstanceOf(NotFoundError);
    expect((await mailboxTwoFactorSummary(mailbox.id)).enabled).toBe(true);
  });

  it('the operator (CLI) resets without a web session', async () => {
    const { mailbox } = await enrolled();
    expect(await resetMailboxTwoFactor(operatorScope, mailbox.email, null, testContext)).toMatchObject({ wasOn: true });
  });
});

describe('policy "Require two-factor for mailboxes"', () => {
  it('is audited with old and new; confines a mailbox without two-factor (web) and ends its API sessions; mail apps unaffected', async () => {
    const { account, mailbox, sid } = await mailboxWithSession();
    const token = await createApiSession({ level: 'mail', subjectId: mailbox.id, sessionVersion: 1 });
    expect(await getAccountPolicy(account.scope)).toMatchObject({ require_two_factor: false });
    expect(await setAccountPolicy(account.scope, testContext, { require_two_factor: true })).toMatchObject({ require_two_factor: true });
    const [audit] = await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.event, 'account_policy_changed'), eq(auditEvents.accountId, account.accountId)));
    expect(audit!.detail).toEqual({ policy: 'require_two_factor', old: false, new: true });
    // Setting the same value again changes nothing and writes nothing.
    await setAccountPolicy(account.scope, testContext, { require_two_factor: true });
    expect(await getDb().select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.event, 'account_policy_changed'), eq(auditEvents.accountId, account.accountId)))).toHaveLength(1);

    expect(await checkMailboxSession({ uid: mailbox.id, sv: 1, sid }, '198.51.100.1')).toMatchObject({ ok: true, pending: false, mailbox: { twoFactorEnrolmentRequired: true } });
    expect(await verifyApiSession(token, at('198.51.100.1', 'api'))).toEqual({ ok: false, reason: 'two_factor_required' });
    expect(await signInToApi({ user: mailbox.email, pass: MAILBOX_PASSWORD, context: at('198.51.100.1', 'api') })).toEqual({ ok: false, reason: 'failed' });
    expect(await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1', 'web'), allowPendingReset: true })).toMatchObject({ ok: true, mailbox: { twoFactorEnrolmentRequired: true } });
    expect(await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1', 'imap'), allowPendingReset: false })).toMatchObject({ ok: true });
  });

  it('refuses unknown fields and non-boolean values; the operator scope has no account policy', async () => {
    const a = await makeAccount();
    await expect(setAccountPolicy(a.scope, testContext, { require_two_factor: 'yes' } as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(setAccountPolicy(a.scope, testContext, { __proto__: { polluted: true }, nope: true } as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(getAccountPolicy(operatorScope)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a mailbox that must enrol cannot turn two-factor off once on', async () => {
    const { account, mailbox, secret } = await enrolled();
    await setAccountPolicy(account.scope, testContext, { require_two_factor: true });
    await expect(disableMailboxTwoFactor(mailbox, { password: MAILBOX_PASSWORD, code: totpCode(secret, T0 + 9 * STEP) }, at('198.51.100.1'), T0 + 9 * STEP)).rejects.toThrow(/requires two-factor/);
  });
});

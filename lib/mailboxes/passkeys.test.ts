import { desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { adminPasskeys, auditEvents, mailboxes, mailboxPasskeys, mailKicks, webauthnChallenges } from '@/db/schema';
import { getDb } from '@/db';
import { setAccountPolicy } from '@/lib/accounts/policy';
import { passkeyRegistrationOptions, registerPasskey } from '@/lib/admins/passkeys';
import { TOTP_SECRET_PURPOSE } from '@/lib/auth/second-factor';
import { unseal } from '@/lib/auth/secret-box';
import { totpCode } from '@/lib/auth/totp';
import { challengeStore } from '@/lib/auth/webauthn-challenge';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { signInAnswer } from '@/lib/mail-auth/response';
import { CLIENT_ADDRESS_HEADER } from '@/lib/net/internal-headers';
import { handleRpcRequest } from '@/lib/rpc/endpoint';
import { passkeySignInOptions, subjectPasskeySignInOptions, verifyMailboxPasskeySignIn, verifyPasskeySignIn } from '@/lib/second-factor/passkey';
import { checkMailboxSession } from '@/lib/session/check';
import { createWebSession } from '@/lib/session/row';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { adminStepSession, MAILBOX_PASSWORD, makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { listMailboxPasskeys, mailboxPasskeyRegistrationOptions, registerMailboxPasskey, removeMailboxPasskey } from './passkeys';
import { beginMailboxTotpSetup, confirmMailboxTotpSetup, disableMailboxTwoFactor, mailboxTwoFactorSummary, resetMailboxTwoFactor } from './two-factor';

const HOST = 'localhost:3000';
const at = (clientIp: string, protocol: 'web' | 'api' | 'imap' = 'web') => ({ ...testContext, clientIp, protocol });

async function mailboxWithSession(account?: Awaited<ReturnType<typeof makeAccount>>) {
  const acc = account ?? (await makeAccount());
  const view = await makeMailbox(acc.domain);
  const mailbox = { id: view.id, email: view.email, accountId: acc.accountId };
  const sid = await createWebSession({ kind: 'mailbox', subjectId: view.id, sessionVersion: 1, clientIp: '198.51.100.1', userAgent: null });
  return { account: acc, mailbox, sid };
}

/** Registers a passkey through the service, as /account/two-factor does. */
async function addPasskey(mailbox: { id: number; email: string; accountId: number }, sid: string, name = 'Phone') {
  const authenticator = new SoftwareAuthenticator();
  const options = await mailboxPasskeyRegistrationOptions(mailbox, sid, HOST);
  const result = await registerMailboxPasskey(mailbox, sid, HOST, { name, response: authenticator.register(options) }, at('198.51.100.1'));
  return { authenticator, ...result };
}

async function withPasskey() {
  const base = await mailboxWithSession();
  const added = await addPasskey(base.mailbox, base.sid);
  return { ...base, ...added };
}

/** The second step at /login/verify with the given authenticator, for a fresh pending session. */
async function passkeyStep(mailbox: { id: number; email: string; accountId: number }, authenticator: SoftwareAuthenticator, pendingSessionId = 'pending-1') {
  const started = await subjectPasskeySignInOptions({ kind: 'mailbox', id: mailbox.id }, pendingSessionId, HOST);
  if (!started.ok) throw new Error('no options');
  return verifyMailboxPasskeySignIn({ mailbox, context: at('198.51.100.1'), response: authenticator.sign(started.options), pendingSessionId, host: HOST });
}

const events = async (mailboxId: number) => getDb().select({ event: auditEvents.event, detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.mailboxId, mailboxId)).orderBy(desc(auditEvents.id));
const failureReasons = async (mailboxId: number) => (await events(mailboxId)).filter((e) => e.event === 'second_factor_failed').map((e) => (e.detail as { reason?: string }).reason);

describe('mailbox passkeys: registration turns two-factor on', () => {
  it('the first passkey gives 10 recovery codes, ends the other sessions and the mail connections, and moves updated_at', async () => {
    const { mailbox, sid } = await mailboxWithSession();
    const other = await createWebSession({ kind: 'mailbox', subjectId: mailbox.id, sessionVersion: 1, clientIp: '198.51.100.2', userAgent: null });
    const [before] = await getDb().select({ updatedAt: mailboxes.updatedAt }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { recoveryCodes, passkey } = await addPasskey(mailbox, sid, 'Work laptop');
    expect(recoveryCodes).toHaveLength(10);
    expect(passkey.name).toBe('Work laptop');
    expect(await mailboxTwoFactorSummary(mailbox.id)).toMatchObject({ enabled: true, totpEnabled: false, hasPasskey: true, recoveryCodesLeft: 10 });
    expect((await checkMailboxSession({ uid: mailbox.id, sv: 1, sid }, '198.51.100.1')).ok).toBe(true);
    expect((await checkMailboxSession({ uid: mailbox.id, sv: 1, sid: other }, '198.51.100.2')).ok).toBe(false);
    expect((await getDb().select({ reason: mailKicks.reason }).from(mailKicks).where(eq(mailKicks.email, mailbox.email))).map((r) => r.reason)).toEqual(['two_factor']);
    const [after] = await getDb().select({ updatedAt: mailboxes.updatedAt }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
    expect(after!.updatedAt.getTime()).toBeGreaterThan(before!.updatedAt.getTime());
    expect((await events(mailbox.id)).map((e) => e.event)).toEqual(expect.arrayContaining(['mailbox_passkey_added', 'two_factor_enabled']));
    expect((await events(mailbox.id)).find((e) => e.event === 'two_factor_enabled')?.detail).toMatchObject({ method: 'passkey' });

    // A second passkey: two-factor was on already; the codes stay, nothing more is ended.
    const second = await addPasskey(mailbox, sid, 'Security key');
    expect(second.recoveryCodes).toBeNull();
    expect((await mailboxTwoFactorSummary(mailbox.id)).recoveryCodesLeft).toBe(10);
    expect(await getDb().select().from(mailKicks).where(eq(mailKicks.email, mailbox.email))).toHaveLength(1);
    expect((await listMailboxPasskeys(mailbox.id)).map((p) => p.name)).toEqual(['Work laptop', 'Security key']);
  });

  it('needs the challenge of this session and mailbox: once, and not one issued to another mailbox or session', async () => {
    const { mailbox, sid } = await mailboxWithSession();
    const other = await mailboxWithSession();
    const authenticator = new SoftwareAuthenticator();
    const options = await mailboxPasskeyRegistrationOptions(mailbox, sid, HOST);
    const response = authenticator.register(options);
    // Another mailbox presenting this answer (its own session): no challenge of its own, nothing stored.
    await expect(registerMailboxPasskey(other.mailbox, other.sid, HOST, { name: 'Stolen', response }, at('198.51.100.9'))).rejects.toBeInstanceOf(ValidationError);
    // The same mailbox from another session id: the challenge is bound to the session.
    await expect(registerMailboxPasskey(mailbox, 'another-session', HOST, { name: 'Phone', response }, at('198.51.100.1'))).rejects.toBeInstanceOf(ValidationError);
    await registerMailboxPasskey(mailbox, sid, HOST, { name: 'Phone', response }, at('198.51.100.1'));
    // Replayed: the challenge was taken.
    await expect(registerMailboxPasskey(mailbox, sid, HOST, { name: 'Again', response }, at('198.51.100.1'))).rejects.toBeInstanceOf(ValidationError);
    expect(await listMailboxPasskeys(other.mailbox.id)).toEqual([]);
    expect(await listMailboxPasskeys(mailbox.id)).toHaveLength(1);
  });

  it('refuses with codes a page words in its language; the wrong-address refusal sends each subject to its own area', async () => {
    const { mailbox, sid } = await mailboxWithSession();
    const problemOf = async (work: Promise<unknown>) => ((await work.then(() => null, (e: unknown) => e)) as ValidationError).problem;
    // A host that is not the configured (here: any localhost) address: the mailbox is sent to its account page, an admin to the admin area.
    expect(await problemOf(mailboxPasskeyRegistrationOptions(mailbox, sid, 'mail.example.com'))).toEqual({ code: 'passkey_wrong_address', values: { area: 'mailbox' } });
    await expect(mailboxPasskeyRegistrationOptions(mailbox, sid, 'mail.example.com')).rejects.toThrow('Open your account page at its configured address');
    const { adminId, adminEmail, accountId } = await makeAccount();
    await expect(passkeyRegistrationOptions({ id: adminId, email: adminEmail, accountId }, sid, 'mail.example.com')).rejects.toThrow('Open the admin area at its configured address');
    // The same at the second sign-in step (/login/verify, /admin/login/verify).
    expect(await subjectPasskeySignInOptions({ kind: 'mailbox', id: mailbox.id }, 'pending-x', 'mail.example.com')).toEqual({ ok: false, problem: { code: 'passkey_wrong_address', values: { area: 'mailbox' } } });
    expect(await passkeySignInOptions(adminId, 'pending-y', 'mail.example.com')).toEqual({ ok: false, problem: { code: 'passkey_wrong_address', values: { area: 'admin' } } });
    // The name rules, the lapsed challenge and an answer that is not one.
    const register = (name: string, response: unknown) => registerMailboxPasskey(mailbox, sid, HOST, { name, response }, at('198.51.100.1'));
    expect(await problemOf(register('  ', {}))).toEqual({ code: 'passkey_name_empty', values: {} });
    expect(await problemOf(register('x'.repeat(61), {}))).toEqual({ code: 'passkey_name_too_long', values: { max: 60 } });
    expect(await problemOf(register('Phone\u0007', {}))).toEqual({ code: 'passkey_name_control', values: {} });
    expect(await problemOf(register('Phone', {}))).toEqual({ code: 'passkey_too_slow', values: {} });
    expect(await problemOf(register('Phone', 'not an answer'))).toEqual({ code: 'passkey_not_registered', values: {} });
    await expect(register('x'.repeat(61), {})).rejects.toThrow('The name can have at most 60 characters.');
  });

  it('satisfies "Require two-factor for mailboxes"; with TOTP added later the recovery codes stay those of the first enrolment', async () => {
    const { account, mailbox, sid } = await withPasskey();
    await setAccountPolicy(account.scope, testContext, { require_two_factor: true });
    expect(await checkMailboxSession({ uid: mailbox.id, sv: 1, sid }, '198.51.100.1')).toMatchObject({ ok: true, mailbox: { twoFactor: true, twoFactorEnrolmentRequired: false } });
    const plain = await mailboxWithSession(account);
    expect(await checkMailboxSession({ uid: plain.mailbox.id, sv: 1, sid: plain.sid }, '198.51.100.1')).toMatchObject({ ok: true, mailbox: { twoFactorEnrolmentRequired: true } });
  });
});

describe('a mailbox with only a passkey has two-factor on', () => {
  it('IMAP refuses the account password with "Use an app password for mail apps"; the web asks for the second factor', async () => {
    const { mailbox } = await withPasskey();
    const imap = await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1', 'imap'), allowPendingReset: false });
    expect(imap).toEqual({ ok: false, reason: 'app_password_required' });
    expect(signInAnswer(imap, { backend: { host: '127.0.0.1', port: 143 } as never, password: MAILBOX_PASSWORD, loginAttempt: 1, waitSeconds: 2 }).headers['Auth-Status']).toBe('Use an app password for mail apps');
    expect(await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1'), allowPendingReset: true })).toMatchObject({ ok: true, secondFactor: true });
  });

  it('mail.get says two_factor: true', async () => {
    const { account, mailbox } = await withPasskey();
    const call = async (method: string, params: unknown, token?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: 'unit-gate-token 198.51.100.10' };
      if (token) headers['HPLS-AUTH'] = token;
      const response = await handleRpcRequest(new Request('http://portcullis.test/v1/', { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }) }));
      return (await response.json()) as { result?: Record<string, unknown> };
    };
    const token = (await call('auth', { user: account.adminEmail, pass: account.adminPassword })).result!.session as string;
    expect((await call('mail.get', { mail: mailbox.email }, token)).result).toMatchObject({ two_factor: true });
  });
});

describe('signing in with a mailbox passkey (/login/verify)', () => {
  it('accepts the mailbox\'s own passkey once per challenge and records its use', async () => {
    const { mailbox, authenticator } = await withPasskey();
    expect(await passkeyStep(mailbox, authenticator)).toEqual({ ok: true, method: 'passkey' });
    expect((await listMailboxPasskeys(mailbox.id))[0]!.lastUsedAt).not.toBeNull();
    // The same signed answer again: its challenge was taken.
    const started = await subjectPasskeySignInOptions({ kind: 'mailbox', id: mailbox.id }, 'pending-2', HOST);
    const answer = authenticator.sign(started.ok ? started.options : { challenge: '' });
    expect(await verifyMailboxPasskeySignIn({ mailbox, context: at('198.51.100.1'), response: answer, pendingSessionId: 'pending-2', host: HOST })).toEqual({ ok: true, method: 'passkey' });
    expect(await verifyMailboxPasskeySignIn({ mailbox, context: at('198.51.100.1'), response: answer, pendingSessionId: 'pending-2', host: HOST })).toEqual({ ok: false, reason: 'failed' });
    expect(await failureReasons(mailbox.id)).toContain('passkey_challenge_missing');
  });

  it('attack: a challenge of mailbox A answered with mailbox B\'s passkey (validly signed) is refused', async () => {
    const a = await withPasskey();
    const b = await withPasskey();
    const started = await subjectPasskeySignInOptions({ kind: 'mailbox', id: a.mailbox.id }, 'pending-a', HOST);
    if (!started.ok) throw new Error('no options');
    const forged = b.authenticator.sign(started.options);
    expect(await verifyMailboxPasskeySignIn({ mailbox: a.mailbox, context: at('203.0.113.5'), response: forged, pendingSessionId: 'pending-a', host: HOST })).toEqual({ ok: false, reason: 'failed' });
    expect(await failureReasons(a.mailbox.id)).toEqual(['passkey_unknown']);
    // B presenting A's challenge as its own: no challenge was issued to B.
    const again = await subjectPasskeySignInOptions({ kind: 'mailbox', id: a.mailbox.id }, 'pending-a', HOST);
    if (!again.ok) throw new Error('no options');
    expect(await verifyMailboxPasskeySignIn({ mailbox: b.mailbox, context: at('203.0.113.5'), response: b.authenticator.sign(again.options), pendingSessionId: 'pending-a', host: HOST })).toEqual({ ok: false, reason: 'failed' });
    expect(await failureReasons(b.mailbox.id)).toEqual(['passkey_challenge_missing']);
  });

  it("attack: an admin's passkey at /login/verify, and a mailbox's passkey at the admin's verify step, are refused", async () => {
    const { account, mailbox, authenticator: mailboxKey } = await withPasskey();
    const admin = { id: account.adminId, email: account.adminEmail, accountId: account.accountId };
    const adminSid = await createWebSession({ kind: 'admin', subjectId: admin.id, sessionVersion: 1, clientIp: '198.51.100.1', userAgent: null });
    const adminKey = new SoftwareAuthenticator();
    await registerPasskey(admin, adminSid, HOST, { name: 'Admin key', response: adminKey.register(await passkeyRegistrationOptions(admin, adminSid, HOST)) }, testContext);
    expect(await getDb().select().from(adminPasskeys).where(eq(adminPasskeys.adminId, admin.id))).toHaveLength(1);

    // The admin's credential, signing the mailbox's challenge.
    const started = await subjectPasskeySignInOptions({ kind: 'mailbox', id: mailbox.id }, 'pending-m', HOST);
    if (!started.ok) throw new Error('no options');
    expect(await verifyMailboxPasskeySignIn({ mailbox, context: at('203.0.113.6'), response: adminKey.sign(started.options), pendingSessionId: 'pending-m', host: HOST })).toEqual({ ok: false, reason: 'failed' });
    expect(await failureReasons(mailbox.id)).toEqual(['passkey_unknown']);

    // The mailbox's credential, signing the admin's challenge (same numeric id or not, the subject differs).
    const adminOptions = await passkeySignInOptions(admin.id, 'pending-admin', HOST);
    if (!adminOptions.ok) throw new Error('no options');
    expect(await verifyPasskeySignIn({ admin, context: at('203.0.113.6'), response: mailboxKey.sign(adminOptions.options), pendingSessionId: 'pending-admin', host: HOST })).toEqual({ ok: false, reason: 'failed' });
    // And the admin's own passkey still works at the admin's step (the ceremony is unchanged).
    const fresh = await passkeySignInOptions(admin.id, 'pending-admin', HOST);
    if (!fresh.ok) throw new Error('no options');
    expect(await verifyPasskeySignIn({ admin, context: at('198.51.100.1'), response: adminKey.sign(fresh.options), pendingSessionId: 'pending-admin', host: HOST })).toEqual({ ok: true, method: 'passkey' });
  });

  it('a challenge is bound to its subject kind: an admin id equal to the mailbox id takes nothing', async () => {
    const { mailbox } = await withPasskey();
    await challengeStore().put({ purpose: 'sign-in', mailboxId: mailbox.id, sessionId: 'shared-sid' }, 'challenge-m');
    expect(await challengeStore().take({ purpose: 'sign-in', adminId: mailbox.id, sessionId: 'shared-sid' })).toBeNull();
    expect(await challengeStore().take({ purpose: 'sign-in', mailboxId: mailbox.id, sessionId: 'shared-sid' })).toBe('challenge-m');
    // The table refuses a row for nobody or for both.
    await expect(getDb().insert(webauthnChallenges).values({ purpose: 'sign-in', sessionHash: 'x', challenge: 'c', expiresAt: new Date(Date.now() + 60_000) })).rejects.toThrow();
  });

  it('failed answers are counted like wrong codes: after 5, even a right passkey is throttled', async () => {
    const { mailbox, authenticator } = await withPasskey();
    const stranger = new SoftwareAuthenticator();
    for (let i = 0; i < 5; i++) expect(await passkeyStep(mailbox, stranger, `pending-${i}`)).toEqual({ ok: false, reason: 'failed' });
    expect(await passkeyStep(mailbox, authenticator, 'pending-right')).toMatchObject({ ok: false, reason: 'throttled' });
    expect((await events(mailbox.id)).some((e) => e.event === 'second_factor_failed' && (e.detail as { reason?: string }).reason === 'throttled')).toBe(true);
  });
});

describe('removing mailbox passkeys', () => {
  it('asks for the password; another mailbox\'s passkey is not found', async () => {
    const { mailbox, sid } = await withPasskey();
    await addPasskey(mailbox, sid, 'Second');
    const [first] = await listMailboxPasskeys(mailbox.id);
    const other = await mailboxWithSession();
    await expect(removeMailboxPasskey(other.mailbox, first!.id, { password: MAILBOX_PASSWORD, code: '' }, at('198.51.100.1'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeMailboxPasskey(mailbox, first!.id, { password: 'not-the-password', code: '' }, at('198.51.100.1'))).rejects.toBeInstanceOf(ValidationError);
    expect(await removeMailboxPasskey(mailbox, first!.id, { password: MAILBOX_PASSWORD, code: '' }, at('198.51.100.1'))).toEqual({ twoFactorOff: false });
    expect((await listMailboxPasskeys(mailbox.id)).map((p) => p.name)).toEqual(['Second']);
    expect((await mailboxTwoFactorSummary(mailbox.id)).enabled).toBe(true);
    expect((await events(mailbox.id))[0]).toMatchObject({ event: 'mailbox_passkey_removed', detail: { passkey: 'Phone' } });
  });

  it('the last factor follows the rules of turning two-factor off: refused while required, then password and a code, codes removed', async () => {
    const { account, mailbox, recoveryCodes } = await withPasskey();
    const [only] = await listMailboxPasskeys(mailbox.id);
    await setAccountPolicy(account.scope, testContext, { require_two_factor: true });
    await expect(removeMailboxPasskey(mailbox, only!.id, { password: MAILBOX_PASSWORD, code: recoveryCodes![0]! }, at('198.51.100.1'))).rejects.toBeInstanceOf(ForbiddenError);
    await setAccountPolicy(account.scope, testContext, { require_two_factor: false });
    // The password alone is not enough for the last factor.
    await expect(removeMailboxPasskey(mailbox, only!.id, { password: MAILBOX_PASSWORD, code: '' }, at('198.51.100.1'))).rejects.toBeInstanceOf(ValidationError);
    expect(await listMailboxPasskeys(mailbox.id)).toHaveLength(1);
    expect(await removeMailboxPasskey(mailbox, only!.id, { password: MAILBOX_PASSWORD, code: recoveryCodes![0]! }, at('198.51.100.1'))).toEqual({ twoFactorOff: true });
    expect(await mailboxTwoFactorSummary(mailbox.id)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect((await events(mailbox.id))[0]).toMatchObject({ event: 'two_factor_disabled', detail: { method: 'passkey' } });
    expect(await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1', 'imap'), allowPendingReset: false })).toMatchObject({ ok: true });
  });

  it('TOTP added after a passkey keeps the first recovery codes; turning TOTP off then leaves two-factor on', async () => {
    const { mailbox, sid, recoveryCodes } = await withPasskey();
    // No TOTP yet: "already off" (the passkey is managed on its own).
    await expect(disableMailboxTwoFactor(mailbox, { password: MAILBOX_PASSWORD, code: '123456' }, at('198.51.100.1'))).rejects.toBeInstanceOf(ValidationError);
    await beginMailboxTotpSetup(mailbox.id);
    const [row] = await getDb().select({ pending: mailboxes.totpPendingSecret }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
    const secret = unseal(row!.pending!, TOTP_SECRET_PURPOSE)!;
    const now = Date.now();
    expect(await confirmMailboxTotpSetup(mailbox, sid, totpCode(secret, now), at('198.51.100.1'), now)).toEqual({ recoveryCodes: [] });
    expect(await mailboxTwoFactorSummary(mailbox.id)).toMatchObject({ totpEnabled: true, hasPasskey: true, recoveryCodesLeft: 10 });
    expect(await disableMailboxTwoFactor(mailbox, { password: MAILBOX_PASSWORD, code: recoveryCodes![1]! }, at('198.51.100.1'), now)).toEqual({ stillOn: true });
    expect(await mailboxTwoFactorSummary(mailbox.id)).toMatchObject({ enabled: true, totpEnabled: false, hasPasskey: true, recoveryCodesLeft: 9 });
    expect((await events(mailbox.id))[0]).toMatchObject({ event: 'two_factor_disabled', detail: { still_on: 'passkey' } });
    expect(await verifyMailboxSignIn({ email: mailbox.email, password: MAILBOX_PASSWORD, context: at('198.51.100.1', 'imap'), allowPendingReset: false })).toEqual({ ok: false, reason: 'app_password_required' });
  });

  it("an admin's reset removes the mailbox's passkeys too", async () => {
    const { account, mailbox, sid } = await withPasskey();
    const ctx = { ...testContext, actor: { kind: 'admin' as const, id: account.adminId, email: account.adminEmail } };
    expect(await resetMailboxTwoFactor(account.scope, mailbox.email, await adminStepSession(account.adminId), ctx)).toEqual({ id: mailbox.id, wasOn: true });
    expect(await getDb().select().from(mailboxPasskeys).where(eq(mailboxPasskeys.mailboxId, mailbox.id))).toEqual([]);
    expect(await mailboxTwoFactorSummary(mailbox.id)).toMatchObject({ enabled: false, hasPasskey: false, recoveryCodesLeft: 0 });
    expect((await checkMailboxSession({ uid: mailbox.id, sv: 1, sid }, '198.51.100.1')).ok).toBe(false);
    expect((await events(mailbox.id))[0]).toMatchObject({ event: 'two_factor_reset', detail: { was_on: true, passkeys_removed: 1 } });
    // Another account's admin cannot reach it.
    const stranger = await makeAccount();
    await expect(resetMailboxTwoFactor(stranger.scope, mailbox.email, await adminStepSession(stranger.adminId), { ...ctx, actor: { kind: 'admin', id: stranger.adminId, email: stranger.adminEmail } })).rejects.toBeInstanceOf(NotFoundError);
  });
});

import 'server-only';
import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { accounts, mailboxes, mailboxPasskeys, mailboxRecoveryCodes } from '@/db/schema';
import { getDb, transaction, type Tx } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { tooManyAttempts } from '@/lib/auth/messages';
// The refusals' English is the catalogue's, so that the web actions can say them in the reader's language
// (lib/mailboxes/two-factor-messages.ts); other channels keep the English.
import en from '@/lib/i18n/messages/en.json';
import { passwordMatches } from '@/lib/auth/password';
import { hasMailboxPasskey } from '@/lib/auth/passkey-presence';
import { seal, unseal } from '@/lib/auth/secret-box';
import { hashRecoveryCode, newRecoveryCodes, SECOND_FACTOR_POLICY, SECOND_FACTOR_REALM, secondFactorThrottleSubject, TOTP_SECRET_PURPOSE } from '@/lib/auth/second-factor';
import { recoveryCodesLeftOf, verifyMailboxSecondFactor } from '@/lib/second-factor/verify';
import { beginAttempt } from '@/lib/auth/throttle';
import { newTotpSecret, totpStep, totpUri } from '@/lib/auth/totp';
import { VOLUNTARY_CHANGE_POLICY } from '@/lib/auth/voluntary-change-policy';
import { endSubjectSessions } from '@/lib/session-rows';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { endMailConnections } from '@/lib/mail-kick/outbox';
import type { Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { emailSchema } from './schemas';
import { requireRecentReauth, type StepSession } from '@/lib/admins/reauth';

/**
 * Two-factor for mailbox users (spec §20): TOTP enrolment on /account/two-factor, recovery codes, turning it
 * off, the admin's reset. Passkeys are the other second factor (lib/mailboxes/passkeys.ts): two-factor is on
 * while TOTP is enabled or at least one passkey is registered, and the recovery codes belong to two-factor as
 * a whole (made when the first factor of either kind is set up, removed when the last one goes). The checks themselves (codes, throttle, replay rule) are the admins' primitives in
 * lib/auth/second-factor.ts, called with a mailbox subject; the sign-in's verify step is /login/verify.
 *
 * While two-factor is on, the account password no longer opens mail apps (lib/auth/mailbox-two-factor.ts):
 * they need an app password. Turning it on therefore ends the mailbox's open mail connections and its other
 * web and API sessions (spec §18), in the same transaction as the change.
 */

/** Who acts on their own two-factor: the signed-in mailbox. */
export type MailboxActor = { id: number; email: string; accountId: number };

export interface MailboxTwoFactorSummary {
  /** Two-factor is on: TOTP or a passkey. */
  enabled: boolean;
  /** TOTP (the authenticator app) is on, since `enabledAt`. */
  totpEnabled: boolean;
  enabledAt: Date | null;
  hasPasskey: boolean;
  /** A secret is waiting for its first correct code. */
  setupPending: boolean;
  recoveryCodesLeft: number;
  /** The account's policy "Require two-factor for mailboxes". */
  required: boolean;
}

/** What /account and /account/two-factor show about the mailbox's own second factor. */
export async function mailboxTwoFactorSummary(mailboxId: number): Promise<MailboxTwoFactorSummary> {
  const [row] = await getDb()
    .select({ enabledAt: mailboxes.totpEnabledAt, pending: mailboxes.totpPendingSecret, required: accounts.requireMailboxTwoFactor, hasPasskey: hasMailboxPasskey })
    .from(mailboxes)
    .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
    .where(eq(mailboxes.id, mailboxId));
  if (!row) throw new NotFoundError('Mailbox not found');
  return {
    enabled: row.enabledAt !== null || row.hasPasskey,
    totpEnabled: row.enabledAt !== null,
    enabledAt: row.enabledAt,
    hasPasskey: row.hasPasskey,
    setupPending: row.pending !== null,
    recoveryCodesLeft: await recoveryCodesLeftOf({ kind: 'mailbox', id: mailboxId }),
    required: row.required,
  };
}

/** Starts (or restarts) TOTP setup: a fresh secret, kept encrypted until a correct code confirms it. */
export async function beginMailboxTotpSetup(mailboxId: number): Promise<void> {
  await getDb().update(mailboxes).set({ totpPendingSecret: seal(newTotpSecret(), TOTP_SECRET_PURPOSE) }).where(eq(mailboxes.id, mailboxId));
}

export interface TotpSetupView {
  /** Base32, grouped by 4 for reading. */
  secret: string;
  /** The QR code of the otpauth:// URI as an SVG document. */
  qrSvg: string;
}

/** The secret being set up, as text and QR code; null when no setup is pending. */
export async function mailboxTotpSetupView(mailbox: { id: number; email: string }): Promise<TotpSetupView | null> {
  const [row] = await getDb().select({ pending: mailboxes.totpPendingSecret }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
  const secret = row?.pending ? unseal(row.pending, TOTP_SECRET_PURPOSE) : null;
  if (!secret) return null;
  const qrSvg = await QRCode.toString(totpUri(secret, mailbox.email), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret: secret.replace(/(.{4})(?=.)/g, '$1 '), qrSvg };
}

/** 10 new recovery codes for the mailbox, replacing any it had; returned in clear this once. */
export async function replaceRecoveryCodes(tx: Tx, mailboxId: number): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.delete(mailboxRecoveryCodes).where(eq(mailboxRecoveryCodes.mailboxId, mailboxId));
  await tx.insert(mailboxRecoveryCodes).values(codes.map((code) => ({ mailboxId, codeHash: hashRecoveryCode(code) })));
  return codes;
}

/**
 * Confirms the pending secret with a code from the app: only then is TOTP enabled. Returns the 10 new
 * recovery codes, the only time they exist in clear, when TOTP is the mailbox's first second factor; with a
 * passkey already registered the codes it has stay (an empty list). Wrong codes are throttled like sign-in codes.
 *
 * In the same transaction: the mailbox's other web and API sessions end (`keepSid`: this browser's stays)
 * and its open mail connections are cut off (spec §18 "two-factor turned on"), since from now on the account
 * password no longer opens mail apps. `updated_at` moves, so that the mail verification cache forgets the
 * account password's success at once.
 */
export async function confirmMailboxTotpSetup(mailbox: MailboxActor, keepSid: string | null, code: string, ctx: AuditContext & { clientIp: string | null }, now = Date.now()): Promise<{ recoveryCodes: string[] }> {
  const [row] = await getDb().select({ pending: mailboxes.totpPendingSecret }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
  const pending = row?.pending ?? null;
  const secret = pending ? unseal(pending, TOTP_SECRET_PURPOSE) : null;
  if (!secret || !pending) throw new ValidationError('code', en.MailboxTwoFactorActions.noSetup);
  if (code.length > 64) throw new ValidationError('code', en.MailboxTwoFactorActions.sixDigits);
  const attempt = await beginAttempt({ realm: SECOND_FACTOR_REALM, subject: secondFactorThrottleSubject({ kind: 'mailbox', id: mailbox.id }), address: ctx.clientIp, policy: SECOND_FACTOR_POLICY, now });
  if (attempt.limited) throw new ValidationError('code', tooManyAttempts(attempt.retryAfterMinutes));
  const step = totpStep(secret, code, now);
  if (step === null) throw new ValidationError('code', en.MailboxTwoFactorActions.wrongCode);
  await attempt.succeeded();
  const recoveryCodes = await transaction(async (tx) => {
    // The confirming code's step counts as used; the pending secret must still be the one checked.
    const enabled = await tx
      .update(mailboxes)
      .set({ totpSecret: pending, totpPendingSecret: null, totpEnabledAt: new Date(now), totpLastStep: step, updatedAt: new Date(now) })
      .where(and(eq(mailboxes.id, mailbox.id), eq(mailboxes.totpPendingSecret, pending)))
      .returning({ id: mailboxes.id });
    if (enabled.length !== 1) throw new ValidationError('code', en.MailboxTwoFactorActions.restarted);
    // Recovery codes are given at the first enrolment, whichever factor came first (a passkey may have).
    const codes = (await tx.select({ id: mailboxPasskeys.id }).from(mailboxPasskeys).where(eq(mailboxPasskeys.mailboxId, mailbox.id)).limit(1)).length ? [] : await replaceRecoveryCodes(tx, mailbox.id);
    const ended = await endSubjectSessions(tx, 'mailbox', mailbox.id, keepSid);
    await endMailConnections(tx, [mailbox], 'two_factor', now);
    await recordAudit(tx, ctx, { event: 'two_factor_enabled', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { method: 'totp', sessions_ended: ended } });
    return codes;
  });
  return { recoveryCodes };
}

/** Turns all of the mailbox's two-factor off: TOTP and recovery codes (the callers remove passkeys as their rules say). */
export async function clearTwoFactor(tx: Tx, mailboxId: number, now: number): Promise<void> {
  await tx.update(mailboxes).set({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: new Date(now) }).where(eq(mailboxes.id, mailboxId));
  await tx.delete(mailboxRecoveryCodes).where(eq(mailboxRecoveryCodes.mailboxId, mailboxId));
}

/** The realm of the mailbox's voluntary password change: one budget of password guesses across both forms. */
const PASSWORD_REALM = 'password-change';

/** The sensitive steps a mailbox takes on its own two-factor; each asks for the password and a code again. */
type OwnTwoFactorStep = 'disable' | 'regenerate_recovery_codes' | 'remove_passkey';

/**
 * Asks again (spec §23): the password and a current code (or a recovery code), both checked now, so an
 * unattended open session alone cannot weaken the account or take its recovery codes. The password check is
 * counted like a voluntary password change (never un-counted), the code by the second-factor throttle. A
 * wrong password is audited as two_factor_change_refused with the step it was for.
 */
export async function proveMailboxPasswordAndCode(mailbox: MailboxActor, passwordHash: string, proof: { password: string; code: string | null }, step: OwnTwoFactorStep, ctx: AuditContext & { clientIp: string | null }, now: number): Promise<void> {
  const failed = en.MailboxTwoFactorActions.wrongPasswordOrCode;
  const attempt = await beginAttempt({ realm: PASSWORD_REALM, subject: mailbox.email, address: ctx.clientIp, policy: VOLUNTARY_CHANGE_POLICY, now });
  if (attempt.limited) throw new ValidationError('password', tooManyAttempts(attempt.retryAfterMinutes));
  // NOTE: bcrypt compares at most 72 bytes; the form bounds the input before it gets here.
  if (!(await passwordMatches(proof.password.slice(0, 1024), passwordHash))) {
    await recordAudit(getDb(), ctx, { event: 'two_factor_change_refused', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { reason: 'bad_password', ...(step === 'disable' ? {} : { step }) } });
    throw new ValidationError('password', failed);
  }
  // null: the step asks for the password only (removing a passkey that is not the last second factor).
  if (proof.code === null) return;
  const second = await verifyMailboxSecondFactor({ mailbox, code: proof.code, context: ctx, now });
  if (!second.ok) throw new ValidationError('code', second.reason === 'throttled' ? tooManyAttempts(second.retryAfterMinutes) : failed);
}

/** The password hash and two-factor state of a mailbox, for the steps that ask again. */
export async function ownTwoFactorRow(mailboxId: number) {
  const [row] = await getDb()
    .select({ hash: mailboxes.passwordHash, enabledAt: mailboxes.totpEnabledAt, required: accounts.requireMailboxTwoFactor, hasPasskey: hasMailboxPasskey })
    .from(mailboxes)
    .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
    .where(eq(mailboxes.id, mailboxId));
  if (!row) throw new NotFoundError('Mailbox not found');
  return row;
}

/**
 * Turns the mailbox's authenticator app off, after the password and a code (proveMailboxPasswordAndCode).
 * Without a passkey that is all of two-factor (recovery codes too), refused while the account requires
 * two-factor for mailboxes; with one, only TOTP goes and two-factor stays on with the passkeys and codes.
 */
export async function disableMailboxTwoFactor(mailbox: MailboxActor, proof: { password: string; code: string }, ctx: AuditContext & { clientIp: string | null }, now = Date.now()): Promise<{ stillOn: boolean }> {
  const row = await ownTwoFactorRow(mailbox.id);
  if (!row.enabledAt) throw new ValidationError('twoFactor', en.MailboxTwoFactorActions.alreadyOff);
  if (row.required && !row.hasPasskey) throw new ForbiddenError(en.MailboxTwoFactorActions.requiredOn);
  await proveMailboxPasswordAndCode(mailbox, row.hash, proof, 'disable', ctx, now);
  return transaction(async (tx) => {
    // Whether a passkey remains is read again here: a passkey removed meanwhile makes this the last factor.
    const passkeyLeft = (await tx.select({ id: mailboxPasskeys.id }).from(mailboxPasskeys).where(eq(mailboxPasskeys.mailboxId, mailbox.id)).limit(1)).length > 0;
    if (passkeyLeft) {
      await tx.update(mailboxes).set({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: new Date(now) }).where(eq(mailboxes.id, mailbox.id));
      await recordAudit(tx, ctx, { event: 'two_factor_disabled', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { method: 'totp', still_on: 'passkey' } });
      return { stillOn: true };
    }
    if (row.required) throw new ForbiddenError(en.MailboxTwoFactorActions.requiredOn);
    await clearTwoFactor(tx, mailbox.id, now);
    await recordAudit(tx, ctx, { event: 'two_factor_disabled', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email });
    return { stillOn: false };
  });
}

/**
 * New recovery codes for the mailbox (spec §20, as admins have them, §14/§23): after the password and a code
 * (proveMailboxPasswordAndCode), the old codes, used or not, are deleted and 10 new ones stored hashed in the
 * same transaction; they are returned once, the only time they exist in clear. A recovery code may serve as
 * the proof (someone down to their last codes renews with one of them); it is replaced with the rest.
 */
export async function regenerateMailboxRecoveryCodes(mailbox: MailboxActor, proof: { password: string; code: string }, ctx: AuditContext & { clientIp: string | null }, now = Date.now()): Promise<string[]> {
  const row = await ownTwoFactorRow(mailbox.id);
  if (!row.enabledAt && !row.hasPasskey) throw new ValidationError('twoFactor', en.MailboxTwoFactorActions.noCodes);
  await proveMailboxPasswordAndCode(mailbox, row.hash, proof, 'regenerate_recovery_codes', ctx, now);
  return transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, mailbox.id);
    await recordAudit(tx, ctx, { event: 'recovery_codes_regenerated', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email });
    return codes;
  });
}

/**
 * An admin resets a mailbox's two-factor (a user who lost their device), or the operator from the CLI. The
 * mailbox's web and API sessions end; with the account's policy on, the next sign-in leads to enrolment.
 * Another account's mailbox is "not found", exactly like a missing one. A sensitive step for an account's
 * admin (spec §23): their password (and second factor) proven in `proof`'s session within the last 5
 * minutes; the operator's CLI is the break-glass path and has no web session.
 */
export async function resetMailboxTwoFactor(scope: Scope, email: string, proof: StepSession | null, ctx: AuditContext, now = Date.now()): Promise<{ id: number; wasOn: boolean }> {
  if (scope.kind === 'account') await requireRecentReauth(proof, now);
  const address = parseOrThrow(emailSchema, email);
  const [target] = await getDb()
    .select({ id: mailboxes.id, email: mailboxes.email, accountId: mailboxes.accountId, enabledAt: mailboxes.totpEnabledAt, hasPasskey: hasMailboxPasskey })
    .from(mailboxes)
    .where(and(eq(mailboxes.email, address), scope.kind === 'account' ? eq(mailboxes.accountId, scope.accountId) : undefined));
  if (!target) throw new NotFoundError(`Mailbox ${address} not found`);
  const wasOn = target.enabledAt !== null || target.hasPasskey;
  await transaction(async (tx) => {
    await clearTwoFactor(tx, target.id, now);
    // A reset removes every second factor: passkeys too (a lost device may hold one).
    const passkeys = await tx.delete(mailboxPasskeys).where(eq(mailboxPasskeys.mailboxId, target.id)).returning({ id: mailboxPasskeys.id });
    const ended = await endSubjectSessions(tx, 'mailbox', target.id);
    await recordAudit(tx, ctx, { event: 'two_factor_reset', accountId: target.accountId, mailboxId: target.id, mailboxEmail: target.email, detail: { was_on: wasOn, sessions_ended: ended, ...(passkeys.length ? { passkeys_removed: passkeys.length } : {}) } });
  });
  return { id: target.id, wasOn };
}

import 'server-only';
import { and, count, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { adminRecoveryCodes, admins, mailboxes, mailboxRecoveryCodes } from '@/db/schema';
import { getDb } from '@/db';
import { recordAudit, recordAggregatedAudit, type AuditContext } from '@/lib/audit';
import { unseal } from '@/lib/auth/secret-box';
import { beginAttempt } from '@/lib/auth/throttle';
import { addressKeys } from '@/lib/auth/throttle-keys';
import { normaliseCode, totpStep } from '@/lib/auth/totp';
import {
  hashRecoveryCode,
  SECOND_FACTOR_POLICY,
  SECOND_FACTOR_REALM,
  secondFactorThrottleSubject,
  TOTP_SECRET_PURPOSE,
  type SecondFactorResult,
  type TwoFactorSubject,
} from '@/lib/auth/second-factor';

/**
 * The second step of a sign-in with two-factor: a TOTP code or a single-use recovery code, for admins
 * (spec §14: /admin/login/verify, the API's `auth {…, totp}`) and mailbox users (spec §20: /login/verify)
 * alike. Every answer is counted before it is checked, malformed ones too (SECOND_FACTOR_POLICY); a TOTP
 * step is accepted once. A service, not part of the session layer: the sign-in flows call it, and so do the
 * services that must check a code before a change (turning two-factor off, re-authentication).
 */

/** Longer input is not a code of ours; nothing is counted or hashed for it. */
const MAX_CODE_CHARS = 64;

/** The tables that hold a subject's TOTP columns and recovery codes. */
function storeOf(kind: TwoFactorSubject['kind']) {
  return kind === 'admin'
    ? { owner: admins, codes: adminRecoveryCodes, codeOwner: adminRecoveryCodes.adminId }
    : { owner: mailboxes, codes: mailboxRecoveryCodes, codeOwner: mailboxRecoveryCodes.mailboxId };
}

/** The audit row of a second-factor event, named and attributed by the subject's kind (codes and passkeys). */
export function subjectAudit(subject: TwoFactorSubject, event: 'second_factor_failed' | 'recovery_code_used', detail: Record<string, unknown>) {
  if (subject.kind === 'admin') return { event: `admin_${event}`, accountId: subject.accountId, detail: { admin: subject.email, ...detail } };
  return { event, accountId: subject.accountId, mailboxId: subject.id, mailboxEmail: subject.email, detail };
}

/**
 * Accepts the current TOTP step exactly once: one conditional UPDATE moves `totp_last_step` forward only if
 * the step is later than the last one accepted, so two concurrent submissions of the same code cannot both
 * pass (one statement, atomic on SQLite and PostgreSQL alike).
 */
async function consumeTotpStep(subject: TwoFactorSubject, step: number): Promise<boolean> {
  const { owner } = storeOf(subject.kind);
  const rows = await getDb()
    .update(owner)
    .set({ totpLastStep: step })
    .where(and(eq(owner.id, subject.id), or(isNull(owner.totpLastStep), lt(owner.totpLastStep, step))))
    .returning({ id: owner.id });
  return rows.length === 1;
}

/** Marks a recovery code used, once: the same conditional-UPDATE pattern as TOTP steps. */
async function consumeRecoveryCode(subject: TwoFactorSubject, code: string, now: number): Promise<boolean> {
  const { codes, codeOwner } = storeOf(subject.kind);
  const rows = await getDb()
    .update(codes)
    .set({ usedAt: new Date(now) })
    .where(and(eq(codeOwner, subject.id), eq(codes.codeHash, hashRecoveryCode(code)), isNull(codes.usedAt)))
    .returning({ id: codes.id });
  return rows.length === 1;
}

/** Whether the subject has this recovery code and it was used already (asked only after a failed use). */
async function recoveryCodeUsed(subject: TwoFactorSubject, code: string): Promise<boolean> {
  const { codes, codeOwner } = storeOf(subject.kind);
  const rows = await getDb()
    .select({ id: codes.id })
    .from(codes)
    .where(and(eq(codeOwner, subject.id), eq(codes.codeHash, hashRecoveryCode(code)), isNotNull(codes.usedAt)))
    .limit(1);
  return rows.length === 1;
}

/** The subject's live TOTP secret (decrypted), or null when TOTP is not enabled. */
export async function enabledTotpSecretOf(subject: Pick<TwoFactorSubject, 'kind' | 'id'>): Promise<string | null> {
  const { owner } = storeOf(subject.kind);
  const [row] = await getDb().select({ sealed: owner.totpSecret, enabledAt: owner.totpEnabledAt }).from(owner).where(eq(owner.id, subject.id));
  if (!row?.sealed || !row.enabledAt) return null;
  return unseal(row.sealed, TOTP_SECRET_PURPOSE);
}

/** The admin's live TOTP secret (decrypted), or null when TOTP is not enabled. */
export async function enabledTotpSecret(adminId: number): Promise<string | null> {
  return enabledTotpSecretOf({ kind: 'admin', id: adminId });
}

/** Unused recovery codes of a subject. */
export async function recoveryCodesLeftOf(subject: Pick<TwoFactorSubject, 'kind' | 'id'>): Promise<number> {
  const { codes, codeOwner } = storeOf(subject.kind);
  const [row] = await getDb()
    .select({ n: count() })
    .from(codes)
    .where(and(eq(codeOwner, subject.id), isNull(codes.usedAt)));
  return row?.n ?? 0;
}

/** Unused recovery codes of an admin. */
export async function recoveryCodesLeft(adminId: number): Promise<number> {
  return recoveryCodesLeftOf({ kind: 'admin', id: adminId });
}

export interface SecondFactorInput {
  admin: { id: number; email: string; accountId: number };
  code: string;
  context: AuditContext & { clientIp: string | null };
  /** Which codes count: the API's `totp` parameter takes TOTP codes only. */
  accept?: 'any' | 'totp';
  now?: number;
}

/** An admin's second factor (the admin sign-in, the API's `auth {…, totp}`, re-authentication). */
export async function verifySecondFactor(input: SecondFactorInput): Promise<SecondFactorResult> {
  return verifySubjectSecondFactor({ ...input, subject: { kind: 'admin', ...input.admin } });
}

/** A mailbox user's second factor (spec §20): the same checks, throttle and replay rule as admins'. */
export async function verifyMailboxSecondFactor(input: Omit<SecondFactorInput, 'admin'> & { mailbox: { id: number; email: string; accountId: number } }): Promise<SecondFactorResult> {
  return verifySubjectSecondFactor({ ...input, subject: { kind: 'mailbox', ...input.mailbox } });
}

/**
 * Checks a second factor for a subject whose password was just verified. A 6-digit input is a TOTP code
 * (fresh step required); anything else a recovery code (single use). A wrong code gets one generic failure;
 * a code that was right but is used up gets `used`, so the person can be told to wait for the next code or
 * take another recovery code. That tells nothing to someone without the password (this step is reached only
 * after it), and nothing useful to someone with it: a used code opens nothing, and a recovery code cannot
 * be guessed (about 50 bits). Every attempt is counted and throttled the same way; the real reason goes to
 * the audit log as (admin_)second_factor_failed.
 */
async function verifySubjectSecondFactor(input: Omit<SecondFactorInput, 'admin'> & { subject: TwoFactorSubject }): Promise<SecondFactorResult> {
  const { subject, context } = input;
  const now = input.now ?? Date.now();
  const audit = (event: 'second_factor_failed' | 'recovery_code_used', detail: Record<string, unknown>) => recordAudit(getDb(), context, subjectAudit(subject, event, detail));
  // Counted before the code is checked (a malformed one too), so concurrent guesses cannot outrun the limit.
  const attempt = await beginAttempt({ realm: SECOND_FACTOR_REALM, subject: secondFactorThrottleSubject(subject), address: context.clientIp, policy: SECOND_FACTOR_POLICY, now });
  if (attempt.limited) {
    await recordAggregatedAudit(context, subjectAudit(subject, 'second_factor_failed', { reason: 'throttled' }), attempt.bucket, now);
    return { ok: false, reason: 'throttled', retryAfterMinutes: attempt.retryAfterMinutes };
  }
  if (input.code.length > MAX_CODE_CHARS) return malformedSubjectSecondFactor(subject, context, now);
  const typed = normaliseCode(input.code);
  let reason: string;
  if (/^\d{6}$/.test(typed)) {
    const secret = await enabledTotpSecretOf(subject);
    const step = secret ? totpStep(secret, typed, now) : null;
    if (step !== null && (await consumeTotpStep(subject, step))) {
      await attempt.succeeded();
      return { ok: true, method: 'totp' };
    }
    reason = !secret ? 'totp_not_enabled' : step === null ? 'wrong_code' : 'replayed_code';
  } else if (input.accept !== 'totp' && typed.length > 0 && (await consumeRecoveryCode(subject, typed, now))) {
    await attempt.succeeded();
    await audit('recovery_code_used', { remaining: await recoveryCodesLeftOf(subject) });
    return { ok: true, method: 'recovery_code' };
  } else {
    reason = input.accept !== 'totp' && typed.length > 0 && (await recoveryCodeUsed(subject, typed)) ? 'used_recovery_code' : 'wrong_recovery_code';
  }
  // The attempt stays counted.
  await audit('second_factor_failed', { reason });
  return { ok: false, reason: reason === 'replayed_code' || reason === 'used_recovery_code' ? 'used' : 'failed' };
}

/**
 * A malformed answer (not a code of ours: nothing is hashed for it): it stays counted like a wrong code, and
 * is audited in aggregate, one row per subject, address and window with a count, since sending one costs
 * nothing and one row each would let anyone with the password grow the log without bound.
 */
export async function malformedSecondFactor(input: Pick<SecondFactorInput, 'admin' | 'context'>, now: number): Promise<SecondFactorResult> {
  return malformedSubjectSecondFactor({ kind: 'admin', ...input.admin }, input.context, now);
}

/** A malformed answer of any subject (a code or a passkey answer): see malformedSecondFactor. */
export async function malformedSubjectSecondFactor(subject: TwoFactorSubject, context: SecondFactorInput['context'], now: number): Promise<SecondFactorResult> {
  const key = `${SECOND_FACTOR_REALM}|malformed|${secondFactorThrottleSubject(subject)}|${addressKeys(context.clientIp).client}`;
  await recordAggregatedAudit(context, subjectAudit(subject, 'second_factor_failed', { reason: 'malformed' }), key, now);
  return { ok: false, reason: 'failed' };
}

/** Whether an admin has a second factor (TOTP enabled). */
export async function hasSecondFactor(adminId: number): Promise<boolean> {
  const rows = await getDb().select({ id: admins.id }).from(admins).where(and(eq(admins.id, adminId), isNotNull(admins.totpEnabledAt)));
  return rows.length > 0;
}

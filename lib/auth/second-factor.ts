import 'server-only';
import { and, count, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { adminRecoveryCodes, admins } from '@/db/schema';
import { getDb } from '@/db';
import { recordAudit, recordAggregatedAudit, type AuditContext } from '@/lib/audit';
import { keyedHash, unseal } from './secret-box';
import { beginAttempt, type ThrottlePolicy } from './throttle';
import { addressKeys } from './throttle-keys';
import { normaliseCode, totpStep } from './totp';

/**
 * The second step of an admin sign-in (spec §14): a TOTP code or a single-use recovery code, for the web's
 * /admin/login/verify and the API's `auth {…, totp}` alike. Every answer is counted before it is checked,
 * malformed ones too (SECOND_FACTOR_POLICY); a TOTP step is accepted once.
 */

export const TOTP_SECRET_PURPOSE = 'totp-secret';
export const RECOVERY_CODE_PURPOSE = 'recovery-code';

const SECOND_FACTOR_WINDOW_MS = 15 * 60_000;
/** Second-factor answers per admin per 15 minutes from anywhere but the admin's second-factor networks. */
export const MAX_SECOND_FACTOR_ANSWERS = 5;
/** …and from those networks, which keep the difference whatever anyone elsewhere sends. */
export const MAX_SECOND_FACTOR_ANSWERS_KNOWN = 10;

/**
 * Wrong codes are throttled like passwords, but whoever asks has the admin's password already (a stolen
 * one, in the case this protects against), so the limits must bound guessing without letting that holder
 * lock the real admin out: every answer counts in one bucket per admin and address (5) and in one per admin
 * (5 from anywhere, 10 from a known network). A network becomes known for the second factor only by a
 * second step that succeeded from it (its own realm: a right password alone earns nothing), so 5 wrong codes
 * from an attacker's addresses leave the admin 5 more from where they completed sign-ins before. Guessing
 * from outside those networks stays bounded as before: 5 answers per 15 minutes per admin.
 */
export const SECOND_FACTOR_POLICY: Partial<ThrottlePolicy> = {
  perSubjectAddress: { max: MAX_SECOND_FACTOR_ANSWERS, windowMs: SECOND_FACTOR_WINDOW_MS },
  perSubject: { max: MAX_SECOND_FACTOR_ANSWERS, windowMs: SECOND_FACTOR_WINDOW_MS },
  knownNetworksExempt: true,
  perSubjectKnown: { max: MAX_SECOND_FACTOR_ANSWERS_KNOWN, windowMs: SECOND_FACTOR_WINDOW_MS },
};
export const SECOND_FACTOR_REALM = 'second-factor';

/** Recovery codes are typed by people: letters and digits, case and separators ignored. */
export function normaliseRecoveryCode(code: string): string {
  return normaliseCode(code).toLowerCase();
}

export function hashRecoveryCode(code: string): string {
  return keyedHash(normaliseRecoveryCode(code), RECOVERY_CODE_PURPOSE);
}

export type SecondFactorResult =
  | { ok: true; method: 'totp' | 'recovery_code' | 'passkey' }
  | { ok: false; reason: 'failed' }
  /** A code that was right once and has been used (a TOTP step already accepted, a used recovery code). */
  | { ok: false; reason: 'used' }
  | { ok: false; reason: 'throttled'; retryAfterMinutes: number };

/** Longer input is not a code of ours; nothing is counted or hashed for it. */
const MAX_CODE_CHARS = 64;

/**
 * Accepts the current TOTP step exactly once: one conditional UPDATE moves `totp_last_step` forward only if
 * the step is later than the last one accepted, so two concurrent submissions of the same code cannot both
 * pass (one statement, atomic on SQLite and PostgreSQL alike).
 */
async function consumeTotpStep(adminId: number, step: number): Promise<boolean> {
  const rows = await getDb()
    .update(admins)
    .set({ totpLastStep: step })
    .where(and(eq(admins.id, adminId), or(isNull(admins.totpLastStep), lt(admins.totpLastStep, step))))
    .returning({ id: admins.id });
  return rows.length === 1;
}

/** Marks a recovery code used, once: the same conditional-UPDATE pattern as TOTP steps. */
async function consumeRecoveryCode(adminId: number, code: string, now: number): Promise<boolean> {
  const rows = await getDb()
    .update(adminRecoveryCodes)
    .set({ usedAt: new Date(now) })
    .where(and(eq(adminRecoveryCodes.adminId, adminId), eq(adminRecoveryCodes.codeHash, hashRecoveryCode(code)), isNull(adminRecoveryCodes.usedAt)))
    .returning({ id: adminRecoveryCodes.id });
  return rows.length === 1;
}

/** Whether the admin has this recovery code and it was used already (asked only after a failed use). */
async function recoveryCodeUsed(adminId: number, code: string): Promise<boolean> {
  const rows = await getDb()
    .select({ id: adminRecoveryCodes.id })
    .from(adminRecoveryCodes)
    .where(and(eq(adminRecoveryCodes.adminId, adminId), eq(adminRecoveryCodes.codeHash, hashRecoveryCode(code)), isNotNull(adminRecoveryCodes.usedAt)))
    .limit(1);
  return rows.length === 1;
}

/** The admin's live TOTP secret (decrypted), or null when TOTP is not enabled. */
export async function enabledTotpSecret(adminId: number): Promise<string | null> {
  const [row] = await getDb().select({ sealed: admins.totpSecret, enabledAt: admins.totpEnabledAt }).from(admins).where(eq(admins.id, adminId));
  if (!row?.sealed || !row.enabledAt) return null;
  return unseal(row.sealed, TOTP_SECRET_PURPOSE);
}

/** Unused recovery codes of an admin. */
export async function recoveryCodesLeft(adminId: number): Promise<number> {
  const [row] = await getDb()
    .select({ n: count() })
    .from(adminRecoveryCodes)
    .where(and(eq(adminRecoveryCodes.adminId, adminId), isNull(adminRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}

export interface SecondFactorInput {
  admin: { id: number; email: string; accountId: number };
  code: string;
  context: AuditContext & { clientIp: string | null };
  /** Which codes count: the API's `totp` parameter takes TOTP codes only. */
  accept?: 'any' | 'totp';
  now?: number;
}

/**
 * Checks a second factor for an admin whose password was just verified. A 6-digit input is a TOTP code
 * (fresh step required); anything else a recovery code (single use). A wrong code gets one generic failure;
 * a code that was right but is used up gets `used`, so the person can be told to wait for the next code or
 * take another recovery code. That tells nothing to someone without the password (this step is reached only
 * after it), and nothing useful to someone with it: a used code opens nothing, and a recovery code cannot
 * be guessed (about 50 bits). Every attempt is counted and throttled the same way; the real reason goes to
 * the audit log as admin_second_factor_failed.
 */
export async function verifySecondFactor(input: SecondFactorInput): Promise<SecondFactorResult> {
  const { admin, context } = input;
  const now = input.now ?? Date.now();
  const audit = (event: string, detail: Record<string, unknown>) => recordAudit(getDb(), context, { event, accountId: admin.accountId, detail: { admin: admin.email, ...detail } });
  // Counted before the code is checked (a malformed one too), so concurrent guesses cannot outrun the limit.
  const attempt = await beginAttempt({ realm: SECOND_FACTOR_REALM, subject: String(admin.id), address: context.clientIp, policy: SECOND_FACTOR_POLICY, now });
  if (attempt.limited) {
    await recordAggregatedAudit(context, { event: 'admin_second_factor_failed', accountId: admin.accountId, detail: { admin: admin.email, reason: 'throttled' } }, attempt.bucket, now);
    return { ok: false, reason: 'throttled', retryAfterMinutes: attempt.retryAfterMinutes };
  }
  if (input.code.length > MAX_CODE_CHARS) return malformedSecondFactor(input, now);
  const typed = normaliseCode(input.code);
  let reason: string;
  if (/^\d{6}$/.test(typed)) {
    const secret = await enabledTotpSecret(admin.id);
    const step = secret ? totpStep(secret, typed, now) : null;
    if (step !== null && (await consumeTotpStep(admin.id, step))) {
      await attempt.succeeded();
      return { ok: true, method: 'totp' };
    }
    reason = !secret ? 'totp_not_enabled' : step === null ? 'wrong_code' : 'replayed_code';
  } else if (input.accept !== 'totp' && typed.length > 0 && (await consumeRecoveryCode(admin.id, typed, now))) {
    await attempt.succeeded();
    await audit('admin_recovery_code_used', { remaining: await recoveryCodesLeft(admin.id) });
    return { ok: true, method: 'recovery_code' };
  } else {
    reason = input.accept !== 'totp' && typed.length > 0 && (await recoveryCodeUsed(admin.id, typed)) ? 'used_recovery_code' : 'wrong_recovery_code';
  }
  // The attempt stays counted.
  await audit('admin_second_factor_failed', { reason });
  return { ok: false, reason: reason === 'replayed_code' || reason === 'used_recovery_code' ? 'used' : 'failed' };
}

/**
 * A malformed answer (not a code of ours: nothing is hashed for it): it stays counted like a wrong code, and
 * is audited in aggregate, one row per admin, address and window with a count, since sending one costs
 * nothing and one row each would let anyone with the password grow the log without bound.
 */
export async function malformedSecondFactor(input: Pick<SecondFactorInput, 'admin' | 'context'>, now: number): Promise<SecondFactorResult> {
  const { admin, context } = input;
  const key = `${SECOND_FACTOR_REALM}|malformed|${admin.id}|${addressKeys(context.clientIp).client}`;
  await recordAggregatedAudit(context, { event: 'admin_second_factor_failed', accountId: admin.accountId, detail: { admin: admin.email, reason: 'malformed' } }, key, now);
  return { ok: false, reason: 'failed' };
}

/** Whether an admin has a second factor (TOTP enabled). */
export async function hasSecondFactor(adminId: number): Promise<boolean> {
  const rows = await getDb().select({ id: admins.id }).from(admins).where(and(eq(admins.id, adminId), isNotNull(admins.totpEnabledAt)));
  return rows.length > 0;
}


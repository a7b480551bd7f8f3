import 'server-only';
import crypto from 'node:crypto';
import { keyedHash } from './secret-box';
import type { ThrottlePolicy } from './throttle';
import { normaliseCode } from './totp';

/**
 * The primitives of the second factor (spec §14 admins, §20 mailbox users): secret purposes, the throttle
 * policy and realm, recovery codes (made, normalised, hashed) and the answer's result type. The check that
 * reads and consumes a subject's codes, counts and audits the answer is lib/second-factor/verify.ts.
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

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** "xxxxx-xxxxx" from an unambiguous alphabet: 10 characters of 31 symbols, about 50 bits each. */
function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** A fresh set of RECOVERY_CODE_COUNT recovery codes (admins and mailboxes alike); shown once, stored hashed. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
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

/**
 * Whose second factor is checked: an admin (spec §14) or a mailbox user (spec §20). Both keep the same
 * columns (`totp_secret`, `totp_enabled_at`, `totp_last_step`) on their own row and their recovery codes in
 * a table of their own; everything else (throttle, replay rule, messages) is one code path.
 */
export type TwoFactorSubject = { kind: 'admin' | 'mailbox'; id: number; email: string; accountId: number };

/**
 * The throttle subject of a second factor: the admin's id as before (kept so that counts survive an
 * upgrade), `mailbox:<id>` for mailboxes, in the one SECOND_FACTOR_REALM.
 */
export function secondFactorThrottleSubject(subject: Pick<TwoFactorSubject, 'kind' | 'id'>): string {
  return subject.kind === 'admin' ? String(subject.id) : `mailbox:${subject.id}`;
}

import { Secret, TOTP } from 'otpauth';

/**
 * TOTP as RFC 6238 with the parameters every authenticator app defaults to: SHA-1, 6 digits, 30-second
 * steps, accepting the step before and after the current one (clock drift). The arithmetic is otpauth's;
 * this file only fixes the parameters and the replay rule, as pure functions (the clock is passed in).
 */

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one. */
export const TOTP_WINDOW = 1;
/** 160 bits, the size RFC 4226 recommends for SHA-1. */
const SECRET_BYTES = 20;

/** A fresh random secret, base32 (what the page shows and the otpauth:// URI carries). */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

function totp(secretBase32: string, label = 'admin', issuer = 'Portcullis'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, label: string, issuer = 'Portcullis'): string {
  return totp(secretBase32, label, issuer).toString();
}

/** The code for the step containing `now` (tests and the CLI's diagnostics; never shown by the product). */
export function totpCode(secretBase32: string, now: number): string {
  return totp(secretBase32).generate({ timestamp: now });
}

/** Strips the spaces and dashes people type into codes. */
export function normaliseCode(code: string): string {
  return code.replace(/[\s-]+/g, '');
}

/**
 * The time step a code belongs to (within ±TOTP_WINDOW of `now`), or null when it matches none. Only
 * 6-digit input is evaluated.
 */
export function totpStep(secretBase32: string, code: string, now: number): number | null {
  const token = normaliseCode(code);
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secretBase32).validate({ token, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

/**
 * The replay rule: a step is accepted only when it is later than the last step accepted for this admin.
 * So a code cannot be used twice, and neither can an older code still inside the window once a newer one
 * was used. The database applies the same rule atomically (`… WHERE totp_last_step < step`); this is its
 * statement for tests and documentation.
 */
export function stepIsFresh(lastStep: number | null, step: number): boolean {
  return lastStep === null || step > lastStep;
}

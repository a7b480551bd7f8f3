/*
 * The routine check's decision (spec §21 "Passwords expire after N days"), as a pure function with the
 * clock passed in: lib/mailboxes/password-expiry.ts acts on it (the job that sets the forced-change flag,
 * the reminder on /mail), and the admin pages show it.
 */

const DAY_MS = 24 * 60 * 60_000;

/** Users see a reminder on /mail from this many days before their password expires. */
export const REMINDER_DAYS = 14;

/** Where a password stands against its account's maximum age. */
export type PasswordAge =
  | { state: 'no-limit' }
  | { state: 'ok' | 'reminder'; expiresAt: number; daysLeft: number }
  | { state: 'expired'; expiresAt: number };

/**
 * A password set at `changedAt` under a maximum age of `maxAgeDays` (null = no limit): it expires
 * `maxAgeDays` × 24 h later (an instant, the same in every time zone); from REMINDER_DAYS before that the
 * user is reminded, with the whole days left rounded up ("1 day" until the very end).
 */
export function passwordAge(changedAt: number, maxAgeDays: number | null, now: number): PasswordAge {
  if (maxAgeDays === null) return { state: 'no-limit' };
  const expiresAt = changedAt + maxAgeDays * DAY_MS;
  if (now >= expiresAt) return { state: 'expired', expiresAt };
  const daysLeft = Math.ceil((expiresAt - now) / DAY_MS);
  return { state: expiresAt - now <= REMINDER_DAYS * DAY_MS ? 'reminder' : 'ok', expiresAt, daysLeft };
}

/** The whole days since `changedAt` (the mailbox list's "password older than N days"). */
export function passwordAgeDays(changedAt: number, now: number): number {
  return Math.floor((now - changedAt) / DAY_MS);
}

/** The instant before which a password is older than `days` days. */
export function changedBefore(days: number, now: number): number {
  return now - days * DAY_MS;
}

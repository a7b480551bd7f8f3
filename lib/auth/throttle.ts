import 'server-only';
import { and, count, eq, gt, lt, min } from 'drizzle-orm';
import { signInFailures } from '@/db/schema';
import { getDb } from '@/db';

export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Failures per (subject, address): stops guessing one password without locking the owner out elsewhere. */
export const MAX_FAILURES_PER_SUBJECT_ADDRESS = 10;
/** Failures per address across subjects: stops spraying many accounts from one place. */
export const MAX_FAILURES_PER_ADDRESS = 50;

export type ThrottleStatus = { limited: false } | { limited: true; retryAfterMinutes: number };

const addressKey = (realm: string, address: string | null) => `${realm}|addr|${address ?? 'unknown'}`;
const subjectKey = (realm: string, subject: string, address: string | null) => `${realm}|subj|${subject}|${address ?? 'unknown'}`;

function windowState(key: string, now: number): { failures: number; oldest: number | null } {
  const row = getDb()
    .select({ failures: count(), oldest: min(signInFailures.at) })
    .from(signInFailures)
    .where(and(eq(signInFailures.key, key), gt(signInFailures.at, new Date(now - THROTTLE_WINDOW_MS))))
    .get();
  return { failures: row?.failures ?? 0, oldest: row?.oldest ? row.oldest.getTime() : null };
}

/**
 * Whether sign-in is refused for a while. `realm` separates mailbox and admin sign-ins; there is no
 * permanent lockout: the oldest failure leaves the window and the next attempt is allowed.
 */
export function throttleStatus(realm: string, subject: string, address: string | null, now = Date.now()): ThrottleStatus {
  const checks: [string, number][] = [
    [subjectKey(realm, subject, address), MAX_FAILURES_PER_SUBJECT_ADDRESS],
    [addressKey(realm, address), MAX_FAILURES_PER_ADDRESS],
  ];
  let retryAt = 0;
  for (const [key, limit] of checks) {
    const { failures, oldest } = windowState(key, now);
    if (failures >= limit && oldest !== null) retryAt = Math.max(retryAt, oldest + THROTTLE_WINDOW_MS);
  }
  if (retryAt <= now) return { limited: false };
  return { limited: true, retryAfterMinutes: Math.max(1, Math.ceil((retryAt - now) / 60_000)) };
}

/** Counts one failed attempt against the subject and the address. */
export function recordFailure(realm: string, subject: string, address: string | null, now = Date.now()): void {
  const db = getDb();
  const at = new Date(now);
  db.insert(signInFailures)
    .values([
      { key: subjectKey(realm, subject, address), at },
      { key: addressKey(realm, address), at },
    ])
    .run();
  db.delete(signInFailures).where(lt(signInFailures.at, new Date(now - THROTTLE_WINDOW_MS))).run();
}

/** A successful sign-in clears the subject's counter at that address (not the address-wide one). */
export function clearFailures(realm: string, subject: string, address: string | null): void {
  getDb().delete(signInFailures).where(eq(signInFailures.key, subjectKey(realm, subject, address))).run();
}

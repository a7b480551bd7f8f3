import 'server-only';
import { and, count, eq, gt, inArray, lt, min, sql } from 'drizzle-orm';
import { signInFailures } from '@/db/schema';
import { getDb, preparedOnce } from '@/db';

export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Failures per (subject, address): stops guessing one password without locking the owner out elsewhere. */
export const MAX_FAILURES_PER_SUBJECT_ADDRESS = 10;
/** Failures per address across subjects: stops spraying many accounts from one place. */
export const MAX_FAILURES_PER_ADDRESS = 50;

export type ThrottleStatus = { limited: false } | { limited: true; retryAfterMinutes: number };

const addressKey = (realm: string, address: string | null) => `${realm}|addr|${address ?? 'unknown'}`;
const subjectKey = (realm: string, subject: string, address: string | null) => `${realm}|subj|${subject}|${address ?? 'unknown'}`;

// Every sign-in runs these (mail clients reconnect all day).
const prepared = preparedOnce((db) => ({
  windows: db
    .select({ key: signInFailures.key, failures: count(), oldest: min(signInFailures.at) })
    .from(signInFailures)
    .where(and(inArray(signInFailures.key, [sql.placeholder('subject'), sql.placeholder('address')]), gt(signInFailures.at, sql.placeholder('since'))))
    .groupBy(signInFailures.key)
    .prepare(),
  clear: db.delete(signInFailures).where(eq(signInFailures.key, sql.placeholder('key'))).prepare(),
}));

/**
 * Whether sign-in is refused for a while. `realm` separates mailbox and admin sign-ins; there is no
 * permanent lockout: the oldest failure leaves the window and the next attempt is allowed.
 */
export function throttleStatus(realm: string, subject: string, address: string | null, now = Date.now()): ThrottleStatus {
  const limits = new Map([
    [subjectKey(realm, subject, address), MAX_FAILURES_PER_SUBJECT_ADDRESS],
    [addressKey(realm, address), MAX_FAILURES_PER_ADDRESS],
  ]);
  const [subjectWindow, addressWindow] = limits.keys();
  // Timestamps are stored as milliseconds; a placeholder is bound as is.
  const windows = prepared().windows.all({ subject: subjectWindow, address: addressWindow, since: now - THROTTLE_WINDOW_MS });
  let retryAt = 0;
  for (const { key, failures, oldest } of windows) {
    if (failures >= limits.get(key)! && oldest) retryAt = Math.max(retryAt, oldest.getTime() + THROTTLE_WINDOW_MS);
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
  prepared().clear.run({ key: subjectKey(realm, subject, address) });
}

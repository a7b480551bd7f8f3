/*
 * The decisions of ending open mail connections (spec §18), as pure functions with time passed in: when a
 * list change takes access away, which entries expired within a sweep's window, and how long a failed kick
 * waits before its next try. lib/mail-kick/outbox.ts and worker.ts act on them.
 */
import type { EntryMeta } from '@/lib/net/entry-types';

/** A list as stored: canonical entries (null = unrestricted) and their labels and expiry. */
export interface ListState {
  canonical: string | null;
  meta: EntryMeta | null;
}

function entries(canonical: string): string[] {
  return canonical.split(',').map((e) => e.trim()).filter((e) => e !== '');
}

/** An entry's expiry in the side map, Infinity for "never" (own keys only: the map is keyed by stored text). */
function expiryOf(meta: EntryMeta | null, entry: string): number {
  const at = meta && Object.hasOwn(meta, entry) ? meta[entry]?.expiresAt : undefined;
  return typeof at === 'number' ? at : Infinity;
}

/**
 * Whether changing a list from `before` to `after` may refuse an address it admitted: a restriction where
 * there was none, an entry (network or `@set`) taken out, or an entry's expiry brought forward. Adding
 * entries, lifting the restriction and relabelling take nothing away, so the apps' connections stay open.
 * This is deliberately coarser than "does some address lose access" (an entry removed but covered by a
 * wider one still counts): a needless disconnect costs the app one reconnect through auth_http, a missed
 * one leaves a refused app reading mail.
 */
export function listTakesAway(before: ListState, after: ListState): boolean {
  if (after.canonical === null) return false;
  if (before.canonical === null) return true;
  const now = new Set(entries(after.canonical));
  for (const entry of entries(before.canonical)) {
    if (!now.has(entry)) return true;
    const oldExpiry = expiryOf(before.meta, entry);
    const newExpiry = expiryOf(after.meta, entry);
    if (newExpiry < oldExpiry) return true;
  }
  return false;
}

/** Whether one of the list's entries stopped matching within (from, to]: its expiry instant lies there. */
export function expiredWithin(list: ListState, from: number, to: number): boolean {
  if (!list.meta || !list.canonical) return false;
  for (const entry of entries(list.canonical)) {
    const at = expiryOf(list.meta, entry);
    if (at > from && at <= to) return true;
  }
  return false;
}

/** The longest wait between two tries of a kick (spec §18: at most 30 s). */
export const MAX_RETRY_DELAY_MS = 30_000;

/**
 * How long to wait after the `attempts`-th failed try: 1 s, 2 s, 4 s … capped at 30 s. Never giving up is
 * the point: the row stays, visible in /metrics and on the admin overview, until the backend answers.
 */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 15));
  return Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** exponent);
}

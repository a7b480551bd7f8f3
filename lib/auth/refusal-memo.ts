import 'server-only';

/*
 * A flood of attempts from a client whose bucket is already full (spec §12: throttled refusals cost the
 * attacker nothing) would otherwise run one immediate write transaction each, on the one SQLite writer
 * that every sign-in in the process shares. This memo answers such a refusal from memory for a moment.
 *
 * What it may cache: "bucket K was over its limit at time T, and stays so at least until R" (R: the instant
 * its oldest counted attempt leaves the window, which beginAttempt computed from the database). It only
 * ever refuses; it never admits an attempt, so it cannot let a guess past a limit. The database stays the
 * source of truth: every attempt the memo does not refuse goes through beginAttempt's transaction.
 *
 * Why a change cannot be missed for long: a bucket's count only goes down when time passes (the memo never
 * outlives R) or when a sign-in succeeds and un-counts its own attempt and the subject's counter at its
 * address. A success in this process forgets every bucket it touched at once (forget()). A success in
 * another instance sharing the database (spec §16) cannot reach this memo, so no entry lives longer than
 * REFUSAL_MEMO_MS: after such a success, this instance may refuse that bucket for at most one more second,
 * the same as if the success had arrived a second later. A memo that simply held refusals until R would
 * instead keep refusing a user for up to 15 minutes after they signed in elsewhere.
 *
 * The per-mailbox bucket over all addresses has a higher limit from the mailbox's known networks; that
 * depends on a database row, so beginAttempt re-checks it before using such an entry.
 */

/** How long a remembered refusal is used without asking the database again. */
export const REFUSAL_MEMO_MS = 1_000;
/** Bounded: a botnet with many addresses only evicts entries (and pays the transaction again). */
export const MAX_REFUSAL_MEMO_ENTRIES = 10_000;

interface Entry {
  /** Used until then: min(retryAt, remembered + REFUSAL_MEMO_MS). */
  until: number;
  retryAt: number;
}

export interface RefusalMemo {
  /** Remembers that `bucket` is over its limit until `retryAt` (as of `now`). */
  remember(bucket: string, retryAt: number, now: number): void;
  /** The first of `buckets` remembered as over its limit at `now`, if any. */
  refusal(buckets: readonly string[], now: number): { bucket: string; retryAt: number } | null;
  /** Forgets the buckets (a success un-counted attempts in them). */
  forget(buckets: readonly string[]): void;
  readonly size: number;
}

export function createRefusalMemo(options: { ttlMs?: number; maxEntries?: number } = {}): RefusalMemo {
  const ttlMs = options.ttlMs ?? REFUSAL_MEMO_MS;
  const maxEntries = options.maxEntries ?? MAX_REFUSAL_MEMO_ENTRIES;
  // Insertion order: re-remembering moves an entry to the end, so the first entry is the oldest.
  const entries = new Map<string, Entry>();
  return {
    remember(bucket, retryAt, now) {
      if (retryAt <= now) return;
      entries.delete(bucket);
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(bucket, { until: Math.min(retryAt, now + ttlMs), retryAt });
    },
    refusal(buckets, now) {
      for (const bucket of buckets) {
        const entry = entries.get(bucket);
        if (entry === undefined) continue;
        if (entry.until > now) return { bucket, retryAt: entry.retryAt };
        entries.delete(bucket);
      }
      return null;
    },
    forget(buckets) {
      for (const bucket of buckets) entries.delete(bucket);
    },
    get size() {
      return entries.size;
    },
  };
}

// One per process: route bundles may each load their own copy of this module, and a success seen by one
// must forget the entries that another would use.
const holder = globalThis as unknown as { portcullisRefusalMemo?: RefusalMemo };

/** The process-wide memo used by beginAttempt. */
export function refusalMemo(): RefusalMemo {
  return (holder.portcullisRefusalMemo ??= createRefusalMemo());
}

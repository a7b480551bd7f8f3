import 'server-only';
import crypto from 'node:crypto';
import { authSecret } from '@/lib/env';
import { verifyPassword } from './password';

/*
 * Mail clients reconnect all day, often several connections at once; paying bcrypt on each would make
 * Portcullis the bottleneck of every mailbox (like Dovecot's auth cache, this trades a few minutes of memory
 * for it). What is cached is only the fact "this password matches this stored hash":
 * - the key is the mailbox id and an HMAC (keyed with the auth secret) of the stored hash, the row's
 *   updated_at and the password: the password is never held in memory, a new password can never match an
 *   old entry, and any other change to the row (flag, list, active, session version: the domain service
 *   sets updated_at with each) starts over with bcrypt as well;
 * - the flag, `active` and the list are read from the row and checked by verifyMailboxSignIn on every
 *   attempt, never taken from here; the list is matched through the compiled-list memo, keyed by the
 *   account's net_sets_version and compiled again at each entry's expiry, so a change to a referenced
 *   set or an expiry applies to the very next login even while this cache is warm;
 * - only successes are kept, and only used when the rest of the sign-in would succeed too: a refusal
 *   (inactive, network not allowed) always pays bcrypt, so it takes as long as a wrong password and the
 *   answer time does not tell an outsider that the password was right.
 */

export const VERIFICATION_TTL_MS = 5 * 60_000;
export const MAX_VERIFICATIONS = 10_000;

/** What the cache reads of a mailbox row (verifyMailboxSignIn's `verify` and `proven` hooks pass more). */
export interface VerifiedRow {
  id: number;
  passwordHash: string;
  updatedAt: Date;
  active: boolean;
  allowNetsMode: 'enforce' | 'monitor';
}

type Verify<R> = (row: R, password: string) => Promise<boolean>;
type Proven<R> = (row: R, password: string) => boolean | Promise<boolean>;

export interface VerificationCacheOptions<R extends VerifiedRow> {
  /**
   * Whether the row's network list admits the client (the gate's addressAllowed). Passed in by the caller
   * (lib/mail-auth/verification-cache.ts): the lists are the gate's, a layer above these primitives.
   */
  allows: (row: R, clientIp: string | null) => boolean | Promise<boolean>;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** The slow comparison (bcrypt); replaceable in tests to count calls. */
  compare?: (password: string, hash: string) => Promise<boolean>;
  /** The HMAC secret; the auth secret by default. */
  secret?: () => string;
}

export interface VerificationCache<R extends VerifiedRow> {
  /** The `verify` hook for verifyMailboxSignIn, for a client at `clientIp`. */
  verifier(clientIp: string | null): Verify<R>;
  /**
   * The `proven` hook for verifyMailboxSignIn: true only for a cached success that the sign-in would use
   * (same precondition as `verifier`), answered without any comparison.
   */
  prover(clientIp: string | null): Proven<R>;
  readonly size: number;
}

/** A bounded, short-lived cache of successful password verifications (see the comment at the top). */
export function createVerificationCache<R extends VerifiedRow>(options: VerificationCacheOptions<R>): VerificationCache<R> {
  const ttlMs = options.ttlMs ?? VERIFICATION_TTL_MS;
  const maxEntries = options.maxEntries ?? MAX_VERIFICATIONS;
  const now = options.now ?? Date.now;
  const compare = options.compare ?? verifyPassword;
  const secret = options.secret ?? authSecret;
  // Insertion order is expiry order (entries are only added, never refreshed), so the oldest comes first.
  const expiries = new Map<string, number>();
  // Concurrent attempts with the same password (a client opening several connections) share one bcrypt.
  const pending = new Map<string, Promise<boolean>>();
  let hmacKey: Buffer | undefined;

  function keyOf(row: R, password: string): string {
    // A key derived for this purpose only, so the session-signing secret is not used directly.
    hmacKey ??= crypto.createHmac('sha256', secret()).update('portcullis mail-auth verification cache').digest();
    const mac = crypto.createHmac('sha256', hmacKey).update(`${row.updatedAt.getTime()}\0${row.passwordHash}\0${password}`, 'utf8').digest('base64url');
    return `${row.id}:${mac}`;
  }

  function remember(key: string): void {
    const at = now();
    for (const [oldest, expires] of expiries) {
      if (expires > at && expiries.size < maxEntries) break;
      expiries.delete(oldest);
    }
    expiries.set(key, at + ttlMs);
  }

  async function verifyOnce(key: string, row: R, password: string): Promise<boolean> {
    const inFlight = pending.get(key);
    if (inFlight) return inFlight;
    const check = compare(password, row.passwordHash);
    pending.set(key, check);
    try {
      const ok = await check;
      if (ok) remember(key);
      return ok;
    } finally {
      pending.delete(key);
    }
  }

  // Monitor mode admits the address anyway, so only an enforced refusal pays the full comparison. (No
  // promise when the list's answer is at hand: see listAllows.)
  const usable = (row: R, clientIp: string | null): boolean | Promise<boolean> => row.active && (row.allowNetsMode === 'monitor' || options.allows(row, clientIp));

  function cached(key: string): boolean {
    const expires = expiries.get(key);
    if (expires === undefined) return false;
    if (expires > now()) return true;
    expiries.delete(key);
    return false;
  }

  return {
    verifier(clientIp) {
      return async (row, password) => {
        if (!(await usable(row, clientIp))) return compare(password, row.passwordHash);
        const key = keyOf(row, password);
        return cached(key) || verifyOnce(key, row, password);
      };
    },
    prover(clientIp) {
      return (row, password) => {
        const ok = usable(row, clientIp);
        return typeof ok === 'boolean' ? ok && cached(keyOf(row, password)) : ok.then((yes) => yes && cached(keyOf(row, password)));
      };
    },
    get size() {
      return expiries.size;
    },
  };
}

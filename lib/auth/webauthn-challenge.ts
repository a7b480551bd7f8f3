/**
 * WebAuthn challenges waiting for the browser's answer (spec §14, passkeys). Each is bound to one session
 * (the pending second-factor session at sign-in, the admin's session at registration) and one purpose,
 * lives for a short time and can be taken once: a second answer to the same challenge finds nothing.
 *
 * Cache note: this holds only challenges the server itself issued, keyed by the session id that asked for
 * them; a new request for the same key replaces the old challenge, so nothing stale can be used. It lives in
 * this process's memory: a deployment with several instances needs sticky sessions for the 2-minute
 * ceremony (a challenge issued by another instance is simply "not found", a clean failure).
 */

export type ChallengePurpose = 'registration' | 'sign-in';

export interface ChallengeStoreOptions {
  ttlMs?: number;
  /** A bound on memory: beyond it, expired entries are swept and then the oldest dropped. */
  maxEntries?: number;
  clock?: () => number;
}

export class ChallengeStore {
  private readonly entries = new Map<string, { challenge: string; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(options: ChallengeStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 2 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  private key(purpose: ChallengePurpose, sessionId: string): string {
    return `${purpose}\u0000${sessionId}`;
  }

  /** Remembers the challenge issued to this session for this purpose, replacing any earlier one. */
  put(purpose: ChallengePurpose, sessionId: string, challenge: string): void {
    const key = this.key(purpose, sessionId);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.sweep();
    this.entries.set(key, { challenge, expiresAt: this.clock() + this.ttlMs });
  }

  /** The session's challenge, removed as it is read (single use); null when none or expired. */
  take(purpose: ChallengePurpose, sessionId: string): string | null {
    const key = this.key(purpose, sessionId);
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    return entry.expiresAt > this.clock() ? entry.challenge : null;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    // Still full: drop the oldest (Map keeps insertion order).
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** The process's store, shared by every route bundle through globalThis (one module copy per bundle). */
export function challengeStore(): ChallengeStore {
  const g = globalThis as unknown as { __portcullisWebauthnChallenges?: ChallengeStore };
  return (g.__portcullisWebauthnChallenges ??= new ChallengeStore());
}

import 'server-only';
import { and, desc, eq, lte, notInArray } from 'drizzle-orm';
import { webauthnChallenges } from '@/db/schema';
import { getDb, type Db } from '@/db';
import { hashSessionId } from './session-id';

/**
 * WebAuthn challenges waiting for the browser's answer (spec §14 and §20, passkeys). Each is bound to one
 * session (the pending second-factor session at sign-in, the full session at registration), its admin or
 * mailbox user and one
 * purpose, lives for a short time and can be taken once: a second answer to the same challenge finds nothing.
 *
 * They live in the database (webauthn_challenges), not in the process's memory (spec §16): the two requests
 * of a ceremony may reach different instances behind a load balancer without sticky sessions. Taking is one
 * DELETE … RETURNING, so of two concurrent answers (on one instance or two) exactly one gets the challenge.
 *
 * Bounded: a challenge is only issued to a session whose password step succeeded (a pending or full
 * session), one per session and purpose (a new one replaces the old), at most MAX_PENDING_PER_ADMIN per
 * admin or mailbox (the oldest dropped), and expired rows are deleted whenever a challenge is issued. So the
 * table holds at most that many rows per subject plus the expired rows of the last two minutes, whoever sends requests.
 */

/** `reauth`: the "Confirm your password" form of a full session (lib/admins/reauth.ts). */
export type ChallengePurpose = 'registration' | 'sign-in' | 'reauth';

/**
 * Whom a challenge was issued to: the session (its id, hashed before it is stored), its subject (an admin or
 * a mailbox user, spec §14/§20) and the ceremony. The subject is part of every lookup, so a challenge issued
 * to one subject is never found for another, whichever session id is presented.
 */
export type ChallengeKey = { purpose: ChallengePurpose; sessionId: string } & ({ adminId: number; mailboxId?: undefined } | { mailboxId: number; adminId?: undefined });

/** The row's owner columns and the condition that selects one subject's rows. */
function ownerOf(key: ChallengeKey) {
  return key.mailboxId !== undefined
    ? { values: { adminId: null, mailboxId: key.mailboxId }, where: eq(webauthnChallenges.mailboxId, key.mailboxId) }
    : { values: { adminId: key.adminId, mailboxId: null }, where: eq(webauthnChallenges.adminId, key.adminId) };
}

/** Pending ceremonies per admin: a few browsers or tabs at once; more only ever comes from a script. */
export const MAX_PENDING_PER_ADMIN = 10;
/** @simplewebauthn/server's challenges are 43 characters (32 bytes, base64url); nothing longer is stored. */
const MAX_CHALLENGE_CHARS = 512;
/** Session ids are 43 characters; a longer one is not ours (and is never looked up). */
const MAX_SESSION_ID_CHARS = 512;

export interface ChallengeStoreOptions {
  ttlMs?: number;
  /** A bound on the rows one admin can hold: beyond it, the oldest are dropped. */
  maxPerAdmin?: number;
  clock?: () => number;
  /** The database handle (tests: a second connection, as another instance would have). */
  db?: () => Db;
}

export class ChallengeStore {
  private readonly ttlMs: number;
  private readonly maxPerAdmin: number;
  private readonly clock: () => number;
  private readonly db: () => Db;

  constructor(options: ChallengeStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 2 * 60_000;
    this.maxPerAdmin = options.maxPerAdmin ?? MAX_PENDING_PER_ADMIN;
    this.clock = options.clock ?? Date.now;
    this.db = options.db ?? getDb;
  }

  /** Remembers the challenge issued to this session for this purpose, replacing any earlier one. */
  async put(key: ChallengeKey, challenge: string): Promise<void> {
    if (!challenge || challenge.length > MAX_CHALLENGE_CHARS) throw new Error('webauthn challenge: unexpected length');
    if (!key.sessionId || key.sessionId.length > MAX_SESSION_ID_CHARS) throw new Error('webauthn challenge: unexpected session id');
    const db = this.db();
    const now = this.clock();
    // Expired rows of every admin go first: nothing else deletes them, and they can never be taken.
    await db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, new Date(now)));
    const expiresAt = new Date(now + this.ttlMs);
    const owner = ownerOf(key);
    await db
      .insert(webauthnChallenges)
      .values({ ...owner.values, purpose: key.purpose, sessionHash: hashSessionId(key.sessionId), challenge, expiresAt })
      .onConflictDoUpdate({ target: [webauthnChallenges.purpose, webauthnChallenges.sessionHash], set: { ...owner.values, challenge, expiresAt } });
    // The subject's latest rows stay (by expiry, then id). Concurrent puts each trim after their own insert
    // has committed, so once they are all done the last trim has seen every row: the bound holds again.
    const keep = db
      .select({ id: webauthnChallenges.id })
      .from(webauthnChallenges)
      .where(owner.where)
      .orderBy(desc(webauthnChallenges.expiresAt), desc(webauthnChallenges.id))
      .limit(this.maxPerAdmin);
    await db.delete(webauthnChallenges).where(and(owner.where, notInArray(webauthnChallenges.id, keep)));
  }

  /**
   * The session's challenge, removed as it is read (single use, atomically: of concurrent takes one gets the
   * row); null when none, or expired (it is not accepted at its expiry instant, and is removed all the same).
   */
  async take(key: ChallengeKey): Promise<string | null> {
    if (!key.sessionId || key.sessionId.length > MAX_SESSION_ID_CHARS) return null;
    const [row] = await this.db()
      .delete(webauthnChallenges)
      .where(and(eq(webauthnChallenges.purpose, key.purpose), eq(webauthnChallenges.sessionHash, hashSessionId(key.sessionId)), ownerOf(key).where))
      .returning({ challenge: webauthnChallenges.challenge, expiresAt: webauthnChallenges.expiresAt });
    if (!row) return null;
    return row.expiresAt.getTime() > this.clock() ? row.challenge : null;
  }
}

const shared = new ChallengeStore();

/** The store every caller uses (its state is in the database, so one per route bundle is fine). */
export function challengeStore(): ChallengeStore {
  return shared;
}

import 'server-only';
import { and, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import { knownNetworks, signInFailures } from '@/db/schema';
import { getDb, lockKeys, prepareAs, preparedOnce, transaction } from '@/db';
import { refusalMemo } from './refusal-memo';
import { addressKeys } from './throttle-keys';

/** A limit: at most `max` counted attempts within the last `windowMs`. */
export interface ThrottleLimit {
  max: number;
  windowMs: number;
}

/**
 * The limits one attempt is checked against; `null` switches a limit off. The defaults are the spec's
 * (§5, §12) and serve every sign-in realm, so that realms a caller cannot tell apart answer alike.
 */
export interface ThrottlePolicy {
  /** One subject from one client (IPv4 address or IPv6 /64): stops guessing one password from one place. */
  perSubjectAddress: ThrottleLimit | null;
  /** One client across subjects: stops spraying many accounts from one place. */
  perAddress: ThrottleLimit | null;
  /** One IPv6 /48 across its /64s (no effect on IPv4): stops rotating through a site's /64s. */
  perSite: ThrottleLimit | null;
  /** One subject from all addresses together: stops a botnet guessing one password from everywhere. */
  perSubject: ThrottleLimit | null;
  /**
   * Whether attempts from the subject's known networks (IPv4 /24, IPv6 /56 it signed in from successfully in
   * the last 30 days) are held to `perSubjectKnown` instead of `perSubject`, so that an attacker elsewhere
   * cannot lock the real user out. Either way every attempt counts in the one per-subject bucket.
   */
  knownNetworksExempt: boolean;
  /**
   * The per-subject bucket's limit for attempts from a known network: higher than `perSubject` (which is all
   * that attempts from elsewhere can fill), so that the known networks always keep the difference, and still
   * a limit, so that guesses from the other addresses of a known network are bounded too (null: none).
   */
  perSubjectKnown: ThrottleLimit | null;
}

const MINUTE = 60_000;
export const THROTTLE_WINDOW_MS = 15 * MINUTE;
/** Failures per (subject, client). */
export const MAX_FAILURES_PER_SUBJECT_ADDRESS = 10;
/** Failures per client across subjects. */
export const MAX_FAILURES_PER_ADDRESS = 50;
/** Failures per IPv6 /48 across its /64s. */
export const MAX_FAILURES_PER_SITE = 200;
/** Failures per subject from every address, as far as attempts from outside its known networks may fill it. */
export const MAX_FAILURES_PER_SUBJECT = 50;
/** Failures per subject from every address, as far as attempts from its known networks may fill it. */
export const MAX_FAILURES_PER_SUBJECT_KNOWN = 100;
export const SUBJECT_WINDOW_MS = 60 * MINUTE;
/** How long a successful sign-in's network stays "known". */
export const KNOWN_NETWORK_MS = 30 * 24 * 60 * MINUTE;
/** No policy may use a longer window: rows older than this are pruned. */
export const MAX_WINDOW_MS = 24 * 60 * MINUTE;

export const DEFAULT_POLICY: ThrottlePolicy = {
  perSubjectAddress: { max: MAX_FAILURES_PER_SUBJECT_ADDRESS, windowMs: THROTTLE_WINDOW_MS },
  perAddress: { max: MAX_FAILURES_PER_ADDRESS, windowMs: THROTTLE_WINDOW_MS },
  perSite: { max: MAX_FAILURES_PER_SITE, windowMs: THROTTLE_WINDOW_MS },
  perSubject: { max: MAX_FAILURES_PER_SUBJECT, windowMs: SUBJECT_WINDOW_MS },
  knownNetworksExempt: true,
  perSubjectKnown: { max: MAX_FAILURES_PER_SUBJECT_KNOWN, windowMs: SUBJECT_WINDOW_MS },
};

export interface AttemptRequest {
  /** What is being guessed: `mailbox`, `admin`, `password-change`, … Subjects of different realms never share a count. */
  realm: string;
  /** Who is being guessed (normalised email, admin id, account id …). */
  subject: string;
  /** The client address (lib/net/client-address.ts); null = unknown, which counts as one shared client. */
  address: string | null;
  /**
   * The realm of the per-address and per-site buckets, when several realms must share them because a caller
   * cannot tell them apart (the API's `auth` answers for admins and mailboxes alike). Defaults to `realm`.
   */
  addressRealm?: string;
  /** Overrides of DEFAULT_POLICY. */
  policy?: Partial<ThrottlePolicy>;
  /**
   * The per-address and per-site buckets count this attempt but do not refuse it (the per-subject ones
   * still do). Only for an attempt that the caller admits past those caps *if its secret proves right*
   * (an office behind one address: lib/session/sign-in.ts); a wrong secret must then be answered as throttled.
   */
  spareAddressCaps?: boolean;
  now?: number;
}

export type Attempt =
  | {
      limited: false;
      /**
       * The attempt succeeded: un-counts it, clears the subject's counter at this client and remembers the
       * client's network as known. A failed attempt simply stays counted (nothing to call).
       */
      succeeded(): Promise<void>;
      /** Whether `succeeded()` writes to the database (else it only updates this process's memory). */
      writes: boolean;
    }
  | {
      limited: true;
      retryAfterMinutes: number;
      /** The limiting bucket's key: one audit row per key and window. */
      bucket: string;
      /** Only per-address or per-site buckets refused it (as far as was checked): see `spareAddressCaps`. */
      addressOnly: boolean;
    };

export type ThrottleStatus = { limited: false } | { limited: true; retryAfterMinutes: number };

// Every sign-in runs these (mail clients reconnect all day).
const prepared = preparedOnce((db) => ({
  insert: prepareAs(
    'throttle_insert',
    db
      .insert(signInFailures)
      .values({ key: sql.placeholder('key'), at: sql.placeholder('at') })
      .returning({ id: signInFailures.id }),
  ),
  clear: prepareAs('throttle_clear', db.delete(signInFailures).where(eq(signInFailures.key, sql.placeholder('key')))),
  known: prepareAs(
    'throttle_known',
    db
      .select({ lastSeenAt: knownNetworks.lastSeenAt })
      .from(knownNetworks)
      .where(and(eq(knownNetworks.subjectKey, sql.placeholder('subject')), eq(knownNetworks.network, sql.placeholder('network')), gt(knownNetworks.lastSeenAt, sql.placeholder('since')))),
  ),
  // Every successful sign-in runs it.
  remember: prepareAs(
    'throttle_remember',
    db
      .insert(knownNetworks)
      .values({ subjectKey: sql.placeholder('subject'), network: sql.placeholder('network'), lastSeenAt: sql.placeholder('at') })
      .onConflictDoUpdate({ target: [knownNetworks.subjectKey, knownNetworks.network], set: { lastSeenAt: sql`excluded.last_seen_at` } }),
  ),
}));

interface Bucket {
  key: string;
  limit: ThrottleLimit;
  /** Counted but not enforced (`spareAddressCaps`). */
  spared: boolean;
  /** A per-address or per-site bucket (not about the subject). */
  address: boolean;
}

function buckets(request: AttemptRequest, policy: ThrottlePolicy, known: boolean): Bucket[] {
  const { realm, subject } = request;
  const addressRealm = request.addressRealm ?? realm;
  const keys = addressKeys(request.address);
  const spare = request.spareAddressCaps === true;
  // The per-subject bucket counts every attempt, wherever from (a guess from a known network is a guess
  // too); only its limit depends on where this one comes from.
  const subjectLimit = policy.perSubject === null ? null : policy.knownNetworksExempt && known ? policy.perSubjectKnown : policy.perSubject;
  const all: [string, ThrottleLimit | null, boolean][] = [
    [`${realm}|subj|${subject}|${keys.client}`, policy.perSubjectAddress, false],
    [`${addressRealm}|addr|${keys.client}`, policy.perAddress, true],
    [`${addressRealm}|site|${keys.site}`, keys.site ? policy.perSite : null, true],
    // Known networks without a limit of their own still count here, under the outside limit's window.
    [`${realm}|all|${subject}`, policy.perSubject === null ? null : (subjectLimit ?? { max: Infinity, windowMs: policy.perSubject.windowMs }), false],
  ];
  const result: Bucket[] = [];
  for (const [key, limit, address] of all) {
    if (!limit) continue;
    if (limit.windowMs > MAX_WINDOW_MS) throw new Error(`throttle windows are at most ${MAX_WINDOW_MS} ms`);
    result.push({ key, limit, address, spared: address && spare });
  }
  return result;
}

/** Whether the client's network (IPv4 /24, IPv6 /56) is one the subject signed in from within KNOWN_NETWORK_MS. */
export async function isKnownNetwork(request: Pick<AttemptRequest, 'realm' | 'subject' | 'address'>, now: number): Promise<boolean> {
  return (await knownNetworkSeenAt(request, now)) !== null;
}

/** When the client's network was last seen for the subject (within KNOWN_NETWORK_MS), or null: not known. */
async function knownNetworkSeenAt(request: Pick<AttemptRequest, 'realm' | 'subject' | 'address'>, now: number): Promise<number | null> {
  const network = addressKeys(request.address).known;
  if (!network) return null;
  const [row] = await prepared().known.execute({ subject: `${request.realm}|${request.subject}`, network, since: now - KNOWN_NETWORK_MS });
  return row ? row.lastSeenAt.getTime() : null;
}

/**
 * A proven sign-in from a network already known does not rewrite its `last_seen_at` more often than this:
 * the exemption lasts KNOWN_NETWORK_MS (30 days) from the last write, so it may end up to this much earlier
 * than if every login wrote, and a mail client reconnecting all day saves one write per login.
 */
export const KNOWN_NETWORK_REFRESH_MS = 10 * MINUTE;

let lastPrune = 0;

/** Deletes counted attempts older than any window and known networks older than 30 days. */
export async function pruneThrottleRows(now = Date.now()): Promise<{ attempts: number; knownNetworks: number }> {
  const db = getDb();
  lastPrune = now;
  const attempts = (await db.delete(signInFailures).where(lt(signInFailures.at, new Date(now - MAX_WINDOW_MS))).returning({ id: signInFailures.id })).length;
  const known = (await db.delete(knownNetworks).where(lt(knownNetworks.lastSeenAt, new Date(now - KNOWN_NETWORK_MS))).returning({ id: knownNetworks.id })).length;
  return { attempts, knownNetworks: known };
}

/** At most this many buckets per attempt (buckets()); the window query has one key and start per bucket. */
const MAX_BUCKETS = 4;

// Every sign-in runs it: each bucket's count and oldest attempt within its own window, in one statement
// (one lookup of the key index per bucket; unused slots name no key). Times are bound and read as
// milliseconds (the column's stored representation on both engines).
const windows = preparedOnce((db) =>
  prepareAs(
    'throttle_windows',
    db
      .select({ key: signInFailures.key, failures: sql<number>`count(*)`.mapWith(Number), oldest: sql<number>`min(${signInFailures.at})`.mapWith(Number) })
      .from(signInFailures)
      .where(
        or(
          ...Array.from({ length: MAX_BUCKETS }, (_, i) =>
            and(eq(signInFailures.key, sql.placeholder(`k${i}`)), gt(signInFailures.at, sql.placeholder(`s${i}`))),
  ),
      ),
    )
    .groupBy(signInFailures.key)
    ),
);

async function evaluate(list: Bucket[], now: number): Promise<{ retryAt: number; bucket: string; addressOnly: boolean; counted: Set<string> }> {
  if (list.length > MAX_BUCKETS) throw new Error(`at most ${MAX_BUCKETS} throttle buckets per attempt`);
  const params: Record<string, string | number> = {};
  for (let i = 0; i < MAX_BUCKETS; i++) {
    // eslint-disable-next-line portcullis/no-computed-key-write -- placeholder names built from a counter.
    params[`k${i}`] = list[i]?.key ?? '';
    // eslint-disable-next-line portcullis/no-computed-key-write -- placeholder names built from a counter.
    params[`s${i}`] = list[i] ? now - list[i]!.limit.windowMs : now;
  }
  const counted = new Map((await windows().execute(params)).map((row) => [row.key, row]));
  let retryAt = 0;
  let bucket = '';
  let subjectFull = false;
  for (const { key, limit, spared, address } of list) {
    const row = counted.get(key);
    if (!row || spared) continue;
    const oldestMs = Number(row.oldest);
    if (row.failures < limit.max) continue;
    if (!address) subjectFull = true;
    if (oldestMs + limit.windowMs > retryAt) {
      retryAt = oldestMs + limit.windowMs;
      bucket = key;
    }
  }
  return { retryAt, bucket, addressOnly: !subjectFull, counted: new Set(counted.keys()) };
}

const retryMinutes = (retryAt: number, now: number) => Math.max(1, Math.ceil((retryAt - now) / MINUTE));

/**
 * Counts one attempt *before* its secret is checked, atomically: the check of every bucket and the insert
 * of this attempt's rows run in one transaction (db/'s `transaction`: on SQLite it holds the write lock, on
 * PostgreSQL it first takes an advisory lock per bucket key, db/'s `lockKeys`), so N concurrent attempts count as N
 * and at most the limit of them are ever evaluated (spec §12), across processes sharing the database too.
 * Returns `limited` (nothing counted: a refusal costs the caller nothing, so it need not cost us a row)
 * or a ticket whose `succeeded()` un-counts the attempt.
 *
 * The API is general on purpose: any realm (mailbox and admin sign-in, password change, a second factor)
 * passes its subject, the client address and, where the defaults do not fit, its own limits. For example,
 * "5 codes per admin per 15 minutes, wherever from":
 * `beginAttempt({ realm: 'totp', subject: String(adminId), address, policy: { perSubject: { max: 5, windowMs: 15 * 60_000 }, knownNetworksExempt: false } })`.
 * No permanent lockout: a limit holds until the oldest counted attempt leaves its window.
 */
export async function beginAttempt(request: AttemptRequest): Promise<Attempt> {
  const now = request.now ?? Date.now();
  const policy = { ...DEFAULT_POLICY, ...request.policy };
  if (now - lastPrune > MINUTE) await pruneThrottleRows(now);
  const memo = refusalMemo();
  // A refusal decided a moment ago (lib/auth/refusal-memo.ts): answered without the write transaction.
  const all = buckets(request, policy, false);
  // Per-subject buckets first: their refusal stands whatever the caller does about per-address ones.
  const remembered = memo.refusal([...all.filter((b) => !b.address), ...all.filter((b) => b.address && !b.spared)].map((b) => b.key), now);
  // The per-mailbox bucket over all addresses has a higher limit from a known network, which only the database knows.
  const exempted = async () =>
    remembered!.bucket === `${request.realm}|all|${request.subject}` && policy.knownNetworksExempt && (await isKnownNetwork(request, now));
  if (remembered && !(await exempted())) {
    const addressOnly = all.some((b) => b.address && b.key === remembered.bucket);
    return { limited: true, retryAfterMinutes: retryMinutes(remembered.retryAt, now), bucket: remembered.bucket, addressOnly };
  }
  const outcome = await transaction(async () => {
    // PostgreSQL: concurrent attempts on a bucket count one after the other (SQLite: already the case).
    await lockKeys(all.map((b) => b.key));
    const known = policy.knownNetworksExempt && policy.perSubject !== null && (await isKnownNetwork(request, now));
    const list = buckets(request, policy, known);
    const { retryAt, bucket, addressOnly } = await evaluate(list, now);
    if (retryAt > now) {
      memo.remember(bucket, retryAt, now);
      return { limited: true as const, retryAfterMinutes: retryMinutes(retryAt, now), bucket, addressOnly };
    }
    const at = new Date(now);
    const ids: number[] = [];
    for (const { key } of list) ids.push((await prepared().insert.execute({ key, at }))[0]!.id);
    return { limited: false as const, ids, subjectAddressKey: list.find((b) => b.key.includes('|subj|'))?.key ?? null };
  });
  if (outcome.limited) return outcome;
  return {
    limited: false,
    writes: true,
    async succeeded() {
      memo.forget(all.map((b) => b.key));
      await transaction(async (tx) => {
        await tx.delete(signInFailures).where(inArray(signInFailures.id, outcome.ids));
        if (outcome.subjectAddressKey) await prepared().clear.execute({ key: outcome.subjectAddressKey });
        await rememberNetwork(request.realm, request.subject, request.address, now);
      });
    },
  };
}

/**
 * For an attempt whose secret is already proven right (the mail-auth verification cache holds only
 * passwords that bcrypt accepted for the row as it is now): checks every limit without counting it. Such an
 * attempt is not a guess, so counting it first (beginAttempt) would only be undone by `succeeded()` a moment
 * later, at the cost of two write transactions per login: the limits still apply (a refused subject or
 * client stays refused, even with the right password), only the insert-then-delete is skipped. Its
 * `succeeded()` does the rest of what beginAttempt's does (clear the subject's counter at this client,
 * remember the network) with prepared statements and no transaction of its own: call it inside the
 * caller's transaction (sign-in runs it in the login's group commit, with the audit row).
 */
export async function checkProvenAttempt(request: AttemptRequest): Promise<Attempt> {
  const now = request.now ?? Date.now();
  const policy = { ...DEFAULT_POLICY, ...request.policy };
  const seenAt = policy.knownNetworksExempt && policy.perSubject !== null ? await knownNetworkSeenAt(request, now) : null;
  const list = buckets(request, policy, seenAt !== null);
  const { retryAt, bucket, addressOnly, counted } = await evaluate(list, now);
  if (retryAt > now) return { limited: true, retryAfterMinutes: retryMinutes(retryAt, now), bucket, addressOnly };
  // Only writes that change something (a proven login of a mail client that reconnects all day usually has
  // neither): rows of the subject at this client within its window (older ones never count again, and are
  // pruned), and a known network last written more than KNOWN_NETWORK_REFRESH_MS ago.
  const subjectAddressKey = list.find((b) => b.key.includes('|subj|') && counted.has(b.key))?.key ?? null;
  return admittedProven(request, policy, now, seenAt, subjectAddressKey);
}

/** What settles at once: one promise for every proven login with nothing to write, not a new one each. */
const SETTLED = Promise.resolve();

/**
 * A proven attempt within its limits. `succeeded()` forgets the refusal memo's buckets and writes only what
 * changes something: the subject's counter at this client (`subjectAddressKey`, when it counted a failure)
 * and the known network, when `seenAt` (its last write) is missing or older than KNOWN_NETWORK_REFRESH_MS.
 */
function admittedProven(request: AttemptRequest, policy: ThrottlePolicy, now: number, seenAt: number | null, subjectAddressKey: string | null): Attempt {
  const refresh = seenAt === null || now - seenAt >= KNOWN_NETWORK_REFRESH_MS;
  const writes = subjectAddressKey !== null || refresh;
  return {
    limited: false,
    writes,
    succeeded() {
      refusalMemo().forget(buckets(request, policy, false).map((b) => b.key));
      if (!writes) return SETTLED;
      return (async () => {
        if (subjectAddressKey) await prepared().clear.execute({ key: subjectAddressKey });
        if (refresh) await rememberNetwork(request.realm, request.subject, request.address, now);
      })();
    },
  };
}

/*
 * A proven attempt's throttle state as two columns that the caller's own read carries (sign-in reads them with
 * the mailbox row): one statement per warm login instead of three (the mailbox row, the known network, the
 * bucket windows). Same SQL on both engines (scalar subqueries on the same indexes as the separate reads).
 * Placeholders: `throttleSubject`, `throttleNetwork`, `throttleKnownSince`, `throttleK0`…`throttleK3`,
 * `throttleS0`…`throttleS3`; provenAttemptParams gives their values.
 */
const failureWindows = () =>
  or(...Array.from({ length: MAX_BUCKETS }, (_, i) => and(eq(signInFailures.key, sql.placeholder(`throttleK${i}`)), gt(signInFailures.at, sql.placeholder(`throttleS${i}`)))));

/** The columns of the proven attempt's state (see above); read them with provenAttemptParams' values. */
export const provenAttemptColumns = {
  /** The client's known network: its last_seen_at (ms) within KNOWN_NETWORK_MS, or null. */
  throttleKnownSeenAt: sql<number | null>`(SELECT max(${knownNetworks.lastSeenAt}) FROM ${knownNetworks} WHERE ${and(eq(knownNetworks.subjectKey, sql.placeholder('throttleSubject')), eq(knownNetworks.network, sql.placeholder('throttleNetwork')), gt(knownNetworks.lastSeenAt, sql.placeholder('throttleKnownSince')))})`.mapWith(Number),
  /** Counted failures within each bucket's window, all buckets together (the per-subject one included). */
  throttleFailures: sql<number>`(SELECT count(*) FROM ${signInFailures} WHERE ${failureWindows()})`.mapWith(Number),
};

export type ProvenAttemptState = { throttleKnownSeenAt: number | null; throttleFailures: number };

/** The placeholder values of provenAttemptColumns for `request` at `now`. */
export function provenAttemptParams(request: AttemptRequest, now: number): Record<string, string | number> {
  // Every bucket that could apply, the per-subject one too (a known network exempts it, which is decided after).
  const list = buckets(request, { ...DEFAULT_POLICY, ...request.policy }, false);
  const params: Record<string, string | number> = {
    throttleSubject: `${request.realm}|${request.subject}`,
    // No network (unknown address): no row has an empty network, so nothing is known, as knownNetworkSeenAt says.
    throttleNetwork: addressKeys(request.address).known ?? '',
    throttleKnownSince: now - KNOWN_NETWORK_MS,
  };
  for (let i = 0; i < MAX_BUCKETS; i++) {
    // eslint-disable-next-line portcullis/no-computed-key-write -- placeholder names built from a counter.
    params[`throttleK${i}`] = list[i]?.key ?? '';
    // eslint-disable-next-line portcullis/no-computed-key-write -- placeholder names built from a counter.
    params[`throttleS${i}`] = list[i] ? now - list[i]!.limit.windowMs : now;
  }
  return params;
}

/**
 * checkProvenAttempt from the state read with provenAttemptColumns at `now`. The usual case, no counted failure
 * in any bucket, is decided here without another statement: nothing can be at its limit (every limit is at
 * least one) and there is no counter to clear. Any counted failure takes checkProvenAttempt's own reads, which
 * weigh each bucket against its limit and the known-network exemption: the same answer as before, at the cost
 * of the two extra reads, only for subjects or clients with recent failures.
 */
export function checkProvenAttemptFrom(request: AttemptRequest, state: ProvenAttemptState, now: number): Attempt | Promise<Attempt> {
  if (state.throttleFailures > 0) return checkProvenAttempt({ ...request, now });
  const policy = { ...DEFAULT_POLICY, ...request.policy };
  // As checkProvenAttempt: the network is only looked at where it can exempt.
  const seenAt = policy.knownNetworksExempt && policy.perSubject !== null ? state.throttleKnownSeenAt : null;
  // No failure counted, so no counter to clear. (Returned as is, not as a promise: the warm login's path
  // awaits only what is not at hand yet.)
  return admittedProven(request, policy, now, seenAt, null);
}

/** Records a network the subject signed in from, for the known-networks exemption. */
export async function rememberNetwork(realm: string, subject: string, address: string | null, now = Date.now()): Promise<void> {
  const network = addressKeys(address).known;
  if (!network) return;
  const lastSeenAt = new Date(now);
  await prepared().remember.execute({ subject: `${realm}|${subject}`, network, at: lastSeenAt });
}

/** Whether an attempt would be refused now, without counting one (e.g. to refuse a form before any work). */
export async function throttleStatus(request: Omit<AttemptRequest, 'now'>, now = Date.now()): Promise<ThrottleStatus> {
  const policy = { ...DEFAULT_POLICY, ...request.policy };
  const known = policy.knownNetworksExempt && policy.perSubject !== null && (await isKnownNetwork(request, now));
  const { retryAt } = await evaluate(buckets(request, policy, known), now);
  return retryAt > now ? { limited: true, retryAfterMinutes: retryMinutes(retryAt, now) } : { limited: false };
}

import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import os from 'node:os';
import bcrypt from 'bcrypt';
import { env } from '@/lib/env';
import { ValidationError } from '@/lib/errors';
import { checkPasswordPolicy, SAME_AS_CURRENT } from './password-policy';
import { observeBcrypt, setBcryptQueueLength } from '@/lib/ops/metrics';

// NOTE: bcrypt only looks at the first 72 bytes; longer inputs are refused rather than silently truncated.
export const BCRYPT_MAX_BYTES = 72;

/**
 * bcrypt runs on libuv's thread pool, which file reads, zlib and WebCrypto share. Without a cap, twenty
 * concurrent sign-ins would occupy every thread and stall unrelated page loads behind them; queued bcrypt
 * work waits here instead. Also at most one core fewer than the machine has: bcrypt is pure CPU, and the
 * event loop needs a core of its own.
 *
 * The queue is fair between lanes (spec §12): each job belongs to a lane (a business account: its admins'
 * password hashing and every sign-in to an address of its domains; see signInLane in sign-in.ts), and a
 * freed slot goes to the waiting lane served least recently. So one account's burst (a password batch,
 * fifty concurrent wrong sign-ins) delays another account's job by at most the hashes already running,
 * never by the burst's backlog. The lane depends on the typed domain only, so the wait reveals nothing about
 * whether a mailbox exists.
 */
const slots = () => Math.max(1, Math.min(Math.floor(env().UV_THREADPOOL_SIZE / 2), os.availableParallelism() - 1));
let inFlight = 0;
let tick = 0;
const lanes = new Map<string, { waiting: (() => void)[]; served: number }>();
const currentLane = new AsyncLocalStorage<string>();

/** Runs `work` with its bcrypt jobs queued in `lane` (see the fair queue above). */
export function inBcryptLane<T>(lane: string, work: () => T): T {
  return currentLane.run(lane, work);
}

function nextWaiter(): (() => void) | undefined {
  let pick: { waiting: (() => void)[]; served: number } | undefined;
  let pickName = '';
  for (const [name, lane] of lanes) {
    if (!pick || lane.served < pick.served) {
      pick = lane;
      pickName = name;
    }
  }
  if (!pick) return undefined;
  const next = pick.waiting.shift()!;
  pick.served = ++tick;
  if (pick.waiting.length === 0) lanes.delete(pickName);
  return next;
}

const lastServed = new Map<string, number>();
/** Jobs waiting in every lane together (the portcullis_bcrypt_queue_length gauge). */
let waitingCount = 0;

async function withBcryptSlot<T>(work: () => Promise<T>): Promise<T> {
  const name = currentLane.getStore() ?? 'default';
  // A finished job hands its slot straight to the next waiter, so the count never overshoots.
  if (inFlight >= slots()) {
    const queued = new Promise<void>((resolve) => {
      let lane = lanes.get(name);
      if (!lane) lanes.set(name, (lane = { waiting: [], served: lastServed.get(name) ?? 0 }));
      lane.waiting.push(resolve);
    });
    setBcryptQueueLength(++waitingCount);
    await queued;
  } else inFlight++;
  lastServed.set(name, ++tick);
  // Bounded: only lanes seen recently matter for fairness.
  if (lastServed.size > 10_000) lastServed.delete(lastServed.keys().next().value!);
  const started = performance.now();
  try {
    return await work();
  } finally {
    observeBcrypt((performance.now() - started) / 1000);
    const next = nextWaiter();
    if (next) setBcryptQueueLength(--waitingCount);
    if (next) next();
    else inFlight--;
  }
}

let dummyHash: Promise<string> | undefined;

/** A hash of a random secret, so that an unknown account costs one bcrypt comparison like a real one. */
function dummy(): Promise<string> {
  dummyHash ??= withBcryptSlot(() => bcrypt.hash(crypto.randomBytes(32).toString('hex'), env().BCRYPT_COST));
  return dummyHash;
}

/** A new password as it is checked and hashed: NFC, so that NFC and NFD spellings (browser vs mail client) agree. */
export function normaliseNewPassword(plain: string): string {
  return plain.normalize('NFC');
}

const tooLong = (plain: string) => Buffer.byteLength(plain, 'utf8') > BCRYPT_MAX_BYTES;

/** bcrypt hash of the NFC form at the configured cost; runs on libuv's thread pool, off the event loop. */
export function hashPassword(plain: string): Promise<string> {
  const normalised = normaliseNewPassword(plain);
  // NOTE: bcrypt would silently use only the first 72 bytes; the password policy refuses longer ones first.
  if (tooLong(normalised)) return Promise.reject(new Error(`a password over ${BCRYPT_MAX_BYTES} bytes cannot be hashed`));
  return withBcryptSlot(() => bcrypt.hash(normalised, env().BCRYPT_COST));
}

/**
 * A stored password is checked as typed and, if that fails and its NFC form differs, as NFC (spec §12):
 * hashes made before normalisation keep working, new ones (NFC) match whichever form a client sends.
 * Inputs over 72 bytes are refused rather than truncated, after the same work as any other comparison.
 */
async function compareForms(plain: string, hash: string): Promise<boolean> {
  if (tooLong(plain)) {
    await withBcryptSlot(() => bcrypt.compare('', hash));
    return false;
  }
  if (await withBcryptSlot(() => bcrypt.compare(plain, hash))) return true;
  const nfc = plain.normalize('NFC');
  return nfc !== plain && !tooLong(nfc) && withBcryptSlot(() => bcrypt.compare(nfc, hash));
}

/**
 * Compares in constant work: a missing hash is compared against the dummy hash, so the time taken does not
 * reveal whether the account exists.
 */
export async function verifyPassword(plain: string, hash: string | null | undefined): Promise<boolean> {
  const matches = await compareForms(plain, hash ?? (await dummy()));
  return Boolean(hash) && matches;
}

/** Compares against a stored hash through the same queue and rules (e.g. "is the new password the current one?"). */
export function passwordMatches(plain: string, hash: string): Promise<boolean> {
  return compareForms(plain, hash);
}

/**
 * The checks of a person's own password change, the same for a mailbox user and an admin: the current
 * password (a voluntary change; a forced one has just been entered at sign-in), the policy, and "not the
 * current one". Hashes outside the caller's transaction, which then re-reads the row and refuses if the hash
 * changed meanwhile. Throws a ValidationError naming the field.
 */
export async function hashOwnNewPassword(
  current: { email: string; passwordHash: string },
  change: { currentPassword?: string; newPassword: string; reason: 'forced' | 'voluntary' },
  subject: 'mailbox' | 'own-admin' = 'mailbox',
): Promise<string> {
  if (change.reason === 'voluntary' && !(await passwordMatches(change.currentPassword ?? '', current.passwordHash))) {
    throw new ValidationError('currentPassword', 'Your current password is not correct.');
  }
  const problems = checkPasswordPolicy({ password: change.newPassword, email: current.email, minLength: env().PASSWORD_MIN_LENGTH, subject });
  if (problems.length === 0 && (await passwordMatches(change.newPassword, current.passwordHash))) problems.push(SAME_AS_CURRENT);
  if (problems.length > 0) throw new ValidationError('newPassword', problems.map((p) => p.message).join(' '), problems);
  return hashPassword(change.newPassword);
}

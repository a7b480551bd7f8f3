import 'server-only';
import crypto from 'node:crypto';
import os from 'node:os';
import bcrypt from 'bcrypt';
import { env } from '@/lib/env';
import { observeBcrypt, setBcryptQueueLength } from '@/lib/ops/metrics';

// NOTE: bcrypt only looks at the first 72 bytes; longer inputs are refused rather than silently truncated.
export const BCRYPT_MAX_BYTES = 72;

/**
 * bcrypt runs on libuv's thread pool, which file reads, zlib and WebCrypto share. Without a cap, twenty
 * concurrent sign-ins would occupy every thread and stall unrelated page loads behind them; queued bcrypt
 * work waits here instead. Unknown and known accounts queue alike, so the wait reveals nothing. Also at most
 * one core fewer than the machine has: bcrypt is pure CPU, and the event loop needs a core of its own.
 */
const slots = () => Math.max(1, Math.min(Math.floor(env().UV_THREADPOOL_SIZE / 2), os.availableParallelism() - 1));
let inFlight = 0;
const waiting: (() => void)[] = [];

async function withBcryptSlot<T>(work: () => Promise<T>): Promise<T> {
  // A finished job hands its slot straight to the next waiter, so the count never overshoots.
  if (inFlight >= slots()) {
    const queued = new Promise<void>((resolve) => waiting.push(resolve));
    setBcryptQueueLength(waiting.length);
    await queued;
  } else inFlight++;
  const started = performance.now();
  try {
    return await work();
  } finally {
    observeBcrypt((performance.now() - started) / 1000);
    const next = waiting.shift();
    setBcryptQueueLength(waiting.length);
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

/** bcrypt hash at the configured cost; runs on libuv's thread pool, off the event loop. */
export function hashPassword(plain: string): Promise<string> {
  return withBcryptSlot(() => bcrypt.hash(plain, env().BCRYPT_COST));
}

/**
 * Compares in constant work: a missing hash is compared against the dummy hash, so the time taken does not
 * reveal whether the account exists.
 */
export async function verifyPassword(plain: string, hash: string | null | undefined): Promise<boolean> {
  const tooLong = Buffer.byteLength(plain, 'utf8') > BCRYPT_MAX_BYTES;
  const against = hash ?? (await dummy());
  const matches = await withBcryptSlot(() => bcrypt.compare(tooLong ? '' : plain, against));
  return Boolean(hash) && !tooLong && matches;
}

/** Compares against a stored hash through the same bcrypt queue (e.g. "is the new password the current one?"). */
export function passwordMatches(plain: string, hash: string): Promise<boolean> {
  return withBcryptSlot(() => bcrypt.compare(plain, hash));
}

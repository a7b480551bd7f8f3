import 'server-only';
import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import { env } from '@/lib/env';

// NOTE: bcrypt only looks at the first 72 bytes; longer inputs are refused rather than silently truncated.
export const BCRYPT_MAX_BYTES = 72;

let dummyHash: Promise<string> | undefined;

/** A hash of a random secret, so that an unknown account costs one bcrypt comparison like a real one. */
function dummy(): Promise<string> {
  dummyHash ??= bcrypt.hash(crypto.randomBytes(32).toString('hex'), env().BCRYPT_COST);
  return dummyHash;
}

/** bcrypt hash at the configured cost; runs on libuv's thread pool, off the event loop. */
export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, env().BCRYPT_COST);
}

/**
 * Compares in constant work: a missing hash is compared against the dummy hash, so the time taken does not
 * reveal whether the account exists.
 */
export async function verifyPassword(plain: string, hash: string | null | undefined): Promise<boolean> {
  const tooLong = Buffer.byteLength(plain, 'utf8') > BCRYPT_MAX_BYTES;
  const matches = await bcrypt.compare(tooLong ? '' : plain, hash ?? (await dummy()));
  return Boolean(hash) && !tooLong && matches;
}

/** Warms the dummy hash at start so the first unknown-account sign-in is not slower than the rest. */
export function warmPasswordHashing(): Promise<unknown> {
  return dummy();
}

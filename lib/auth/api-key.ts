import 'server-only';
import crypto from 'node:crypto';
import { keyedHash } from './secret-box';

/**
 * Admin API keys (spec §14): `auth {user: <admin address>, pass: <key>}` gives an account-level session
 * without a second factor. A key is 256 random bits, so it cannot be guessed and needs no slow hash: the
 * database keeps its HMAC-SHA-256 under a key derived from AUTH_SECRET (bcrypt's cost exists to slow down
 * guessing of low-entropy passwords; against 2^256 candidates it adds nothing but a CPU cost per request,
 * which would let anyone with made-up keys load the server). The HMAC key means a copy of the database
 * alone cannot even test a leaked key.
 *
 * This file is the key itself (making, hashing, recognising one); signing in with a key is a flow of the
 * session layer (lib/session/api-key-sign-in.ts).
 */

export const API_KEY_PREFIX = 'pcak_';
const KEY_BYTES = 32;
const API_KEY_PURPOSE = 'api-key';

/** A new key (prefix + base64url of 32 random bytes) and its stored hash. */
export function newApiKey(): { key: string; hash: string } {
  const key = `${API_KEY_PREFIX}${crypto.randomBytes(KEY_BYTES).toString('base64url')}`;
  return { key, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return keyedHash(key, API_KEY_PURPOSE);
}

/**
 * Whether `auth`'s `pass` is an API key rather than a password. Decided by the shape alone (never by
 * whether the address is an admin's), so the fast key path and the bcrypt path cannot be told apart by an
 * address's kind.
 */
export function looksLikeApiKey(pass: string): boolean {
  return pass.startsWith(API_KEY_PREFIX) && /^pcak_[\w-]{43}$/.test(pass);
}

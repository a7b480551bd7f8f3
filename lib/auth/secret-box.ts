import 'server-only';
import crypto from 'node:crypto';
import { authSecret } from '@/lib/env';

/**
 * Symmetric protection of secrets the server must read back (TOTP secrets) and keyed hashes of secrets it
 * only compares (recovery codes, API keys). Keys are derived from AUTH_SECRET with HKDF, one per purpose, so
 * a copy of the database without the secret yields neither TOTP secrets nor a way to test guesses offline.
 * Rotating AUTH_SECRET therefore invalidates every enrolled authenticator, recovery code and API key (as
 * it already ends every session): docs/two-factor.md says so.
 */

const keys = new Map<string, Buffer>();

function derivedKey(purpose: string): Buffer {
  const secret = authSecret();
  const memo = `${purpose}\0${secret}`;
  let key = keys.get(memo);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync('sha256', secret, 'portcullis', `portcullis ${purpose}`, 32));
    keys.set(memo, key);
  }
  return key;
}

const VERSION = 'v1';

/** AES-256-GCM encryption of a short secret; the output names its version so the scheme can change. */
export function seal(plain: string, purpose: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', derivedKey(purpose), iv);
  // The purpose is authenticated too: a sealed value cannot be moved to another use.
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Opens a value sealed by `seal` for the same purpose; null when it was tampered with or the key changed. */
export function unseal(sealed: string, purpose: string): string | null {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', derivedKey(purpose), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** HMAC-SHA-256 (hex) of a high-entropy secret under the purpose's key. */
export function keyedHash(value: string, purpose: string): string {
  return crypto.createHmac('sha256', derivedKey(purpose)).update(value, 'utf8').digest('hex');
}

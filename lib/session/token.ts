import 'server-only';
import { decode, encode } from 'next-auth/jwt';
import { authSecret } from '@/lib/env';
import { SESSION_LIFETIME_MS } from './lifetime';

/**
 * Sessions are next-auth v4 JWTs (its `encode`/`decode`, its cookie names and options), issued by our own
 * sign-in server actions. Mailbox and admin sessions use separate cookies, so neither can stand in for the
 * other; the admin cookie is only sent to /admin.
 *
 * The token carries only what the web_sessions row cannot: the random session id that names the row. The
 * row is the authority for everything else (kind, subject, session version, expiry, pending second factor).
 */
export type SessionKind = 'mailbox' | 'admin';

export interface SessionClaims {
  /** The cookie the token was read from (not a claim: a token read from the other cookie finds no row of this kind). */
  kind: SessionKind;
  /** The random session id (256 bits, base64url); its SHA-256 names the web_sessions row the gate requires. */
  sid: string;
}

const SESSION_MAX_AGE_SECONDS = SESSION_LIFETIME_MS / 1000;

export function sessionCookie(kind: SessionKind, secure: boolean) {
  const base = kind === 'mailbox' ? 'next-auth.session-token' : 'next-auth.admin-session-token';
  return {
    name: secure ? `__Secure-${base}` : base,
    options: {
      httpOnly: true,
      sameSite: 'lax' as const,
      path: kind === 'mailbox' ? '/' : '/admin',
      secure,
      maxAge: SESSION_MAX_AGE_SECONDS,
    },
  };
}

/** Encodes a session token for the cookie. */
export function encodeSession(claims: SessionClaims): Promise<string> {
  return encode({
    token: { sid: claims.sid },
    secret: authSecret(),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}

/**
 * Decrypting a token (HKDF key derivation + AES-GCM) costs more than the whole database check, and every
 * request decodes the same token twice (proxy and data-access layer). A decoded token is pure data, so the
 * result is memoised by the exact token string until its own expiry; the per-request state checks (session
 * version, active, allowlist) are never cached. Only valid tokens are memoised: a token only we can mint
 * cannot be sprayed, whereas caching junk would let anyone evict real entries with 10,000 made-up cookies.
 */
const decoded = new Map<string, { sid: string | null; expiresAt: number }>();
const MAX_DECODED = 10_000;

async function decodeUncached(token: string): Promise<{ sid: string | null; expiresAt: number }> {
  try {
    const payload = await decode({ token, secret: authSecret() });
    const { exp, sid } = (payload ?? {}) as { exp?: unknown; sid?: unknown };
    if (typeof exp !== 'number' || typeof sid !== 'string' || sid.length > 64) {
      return { sid: null, expiresAt: Date.now() + 60_000 };
    }
    return { sid, expiresAt: exp * 1000 };
  } catch {
    return { sid: null, expiresAt: Date.now() + 60_000 };
  }
}

/** Decodes and validates a session token read from the `kind` cookie; anything malformed or expired is null. */
export async function decodeSession(token: string | undefined, kind: SessionKind): Promise<SessionClaims | null> {
  if (!token || token.length > 8192) return null;
  let entry = decoded.get(token);
  if (!entry || entry.expiresAt <= Date.now()) {
    entry = await decodeUncached(token);
    if (entry.sid) {
      if (decoded.size >= MAX_DECODED) decoded.delete(decoded.keys().next().value!);
      decoded.set(token, entry);
    }
  }
  if (entry.expiresAt <= Date.now() || entry.sid === null) return null;
  return { kind, sid: entry.sid };
}

/** How many decoded tokens are memoised (for tests). */
export function decodedSessionCount(): number {
  return decoded.size;
}

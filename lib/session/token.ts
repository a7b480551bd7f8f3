import 'server-only';
import { decode, encode } from 'next-auth/jwt';
import { authSecret } from '@/lib/env';

/**
 * Sessions are next-auth v4 JWTs (its `encode`/`decode`, its cookie names and options), issued by our own
 * sign-in server actions. Mailbox and admin sessions use separate cookies, so neither can stand in for the
 * other; the admin cookie is only sent to /admin.
 */
export type SessionKind = 'mailbox' | 'admin';

export interface SessionClaims {
  kind: SessionKind;
  /** mailboxes.id or admins.id */
  uid: number;
  /** The subject's session_version when the session was issued; a bump ends the session. */
  sv: number;
  /** The random session id (256 bits, base64url); its SHA-256 names the web_sessions row the gate requires. */
  sid: string;
}

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

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
    token: { sub: `${claims.kind}:${claims.uid}`, kind: claims.kind, uid: claims.uid, sv: claims.sv, sid: claims.sid },
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
const decoded = new Map<string, { claims: SessionClaims | null; expiresAt: number }>();
const MAX_DECODED = 10_000;

async function decodeUncached(token: string): Promise<{ claims: SessionClaims | null; expiresAt: number }> {
  try {
    const payload = await decode({ token, secret: authSecret() });
    const { uid, sv, kind, exp, sid } = (payload ?? {}) as { uid?: unknown; sv?: unknown; kind?: unknown; exp?: unknown; sid?: unknown };
    if (typeof uid !== 'number' || typeof sv !== 'number' || (kind !== 'mailbox' && kind !== 'admin') || typeof exp !== 'number' || typeof sid !== 'string' || sid.length > 64) {
      return { claims: null, expiresAt: Date.now() + 60_000 };
    }
    return { claims: { kind, uid, sv, sid }, expiresAt: exp * 1000 };
  } catch {
    return { claims: null, expiresAt: Date.now() + 60_000 };
  }
}

/** Decodes and validates a session token; anything malformed, expired or of the wrong kind is null. */
export async function decodeSession(token: string | undefined, kind: SessionKind): Promise<SessionClaims | null> {
  if (!token || token.length > 8192) return null;
  let entry = decoded.get(token);
  if (!entry || entry.expiresAt <= Date.now()) {
    entry = await decodeUncached(token);
    if (entry.claims) {
      if (decoded.size >= MAX_DECODED) decoded.delete(decoded.keys().next().value!);
      decoded.set(token, entry);
    }
  }
  if (entry.expiresAt <= Date.now() || entry.claims?.kind !== kind) return null;
  return entry.claims;
}

/** How many decoded tokens are memoised (for tests). */
export function decodedSessionCount(): number {
  return decoded.size;
}

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
    token: { sub: `${claims.kind}:${claims.uid}`, kind: claims.kind, uid: claims.uid, sv: claims.sv },
    secret: authSecret(),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}

/** Decodes and validates a session token; anything malformed, expired or of the wrong kind is null. */
export async function decodeSession(token: string | undefined, kind: SessionKind): Promise<SessionClaims | null> {
  if (!token) return null;
  try {
    const payload = await decode({ token, secret: authSecret() });
    if (!payload || payload.kind !== kind) return null;
    const { uid, sv } = payload as { uid?: unknown; sv?: unknown };
    if (typeof uid !== 'number' || typeof sv !== 'number') return null;
    return { kind, uid, sv };
  } catch {
    return null;
  }
}

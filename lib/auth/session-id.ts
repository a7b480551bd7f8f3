import 'server-only';
import crypto from 'node:crypto';

/**
 * SHA-256 (hex) of a session id: what web_sessions stores, so a copy of the database yields no sessions.
 * A primitive of its own: the session layer, the passkey challenges (./webauthn-challenge.ts) and the
 * re-authentication service (lib/admins/reauth.ts) all key rows by it, and the latter two may not import
 * the session layer (docs/architecture.md).
 */
export function hashSessionId(sid: string): string {
  return crypto.createHash('sha256').update(sid, 'utf8').digest('hex');
}

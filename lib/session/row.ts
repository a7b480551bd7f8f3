import 'server-only';
import crypto from 'node:crypto';
import { eq, lte, or, sql } from 'drizzle-orm';
import { webSessions } from '@/db/schema';
import { getDb, prepareAs, preparedOnce } from '@/db';
import { SESSION_LIFETIME_MS } from './lifetime';
import type { SessionKind } from './token';
import { hashSessionId } from '@/lib/auth/session-id';
import { sessionIdleMs } from '@/lib/session-rows';

/**
 * Server-side web sessions (spec §13). The cookie's JWT carries a random session id; the database keeps
 * its SHA-256 in web_sessions, and the per-request gate (lib/session/check.ts) requires that row, unexpired.
 * Deleting the row ends the session at the next request, wherever the cookie has been copied to.
 */


/**
 * `last_active_at` is written at most once per this interval. Writing it on every request would turn each
 * page view (checked twice: proxy and data-access layer) into a SQLite write that takes the database's one
 * write lock and a WAL append; once a minute bounds that to one small write per session per minute, and
 * idle expiry (minutes to hours) only needs minute precision. The address "now" is refreshed with it.
 */
export const TOUCH_INTERVAL_MS = 60_000;

const SID_BYTES = 32;

// The hash is a primitive (lib/auth/session-id.ts) and the idle limit a row rule shared with the services'
// session list (lib/session-rows.ts); both re-exported for the session code that imports them from here.
export { hashSessionId, sessionIdleMs };

export interface SessionTimes {
  lastActiveAt: Date;
  expiresAt: Date;
}

export type SessionRowProblem = 'session_unknown' | 'session_expired' | 'session_idle';

/**
 * Why a session row no longer admits a request, or null when it does. Pure, so that expiry is tested with
 * an injected clock: the absolute expiry is the row's `expires_at`; idle expiry is `idleMs` after the last
 * recorded activity.
 */
export function sessionRowProblem(row: SessionTimes | null | undefined, now: number, idleMs: number): SessionRowProblem | null {
  if (!row) return 'session_unknown';
  if (row.expiresAt.getTime() <= now) return 'session_expired';
  if (row.lastActiveAt.getTime() + idleMs <= now) return 'session_idle';
  return null;
}

/** Whether this request should record activity (see TOUCH_INTERVAL_MS). */
export function needsTouch(row: SessionTimes, now: number): boolean {
  return now - row.lastActiveAt.getTime() >= TOUCH_INTERVAL_MS;
}

const prepared = preparedOnce((db) => ({
  touch: prepareAs(
    'web_session_touch',
    db
      .update(webSessions)
      .set({ lastActiveAt: sql`${sql.placeholder('at')}`, lastIp: sql`${sql.placeholder('ip')}` })
      .where(eq(webSessions.id, sql.placeholder('id'))),
  ),
  remove: prepareAs('web_session_remove', db.delete(webSessions).where(eq(webSessions.id, sql.placeholder('id')))),
}));

/** Records activity on a session row (gate only, when needsTouch says so). */
export async function touchWebSession(id: number, now: number, address: string | null): Promise<void> {
  // Bound as is: timestamps are stored as milliseconds.
  await prepared().touch.execute({ id, at: now, ip: address });
}

/** Deletes one session row by its id (the gate, when the row has expired). */
export async function deleteWebSessionRow(id: number): Promise<void> {
  await prepared().remove.execute({ id });
}

export interface NewWebSession {
  kind: SessionKind;
  subjectId: number;
  sessionVersion: number;
  clientIp: string | null;
  userAgent: string | null;
  /** A two-factor sign-in after its password step: the gate admits it to the verify page only. */
  pending?: 'second_factor';
}

/** How long a sign-in may wait for its second factor. */
export const PENDING_SECOND_FACTOR_MS = 10 * 60_000;

/** Creates the row for a freshly signed-in subject and returns the session id (the only time it exists in clear). */
export async function createWebSession(session: NewWebSession, now = Date.now()): Promise<string> {
  const sid = crypto.randomBytes(SID_BYTES).toString('base64url');
  const db = getDb();
  // Housekeeping: expired rows can never pass the gate again; sign-ins are rare enough to pay for it.
  await pruneWebSessions(now);
  await db
    .insert(webSessions)
    .values({
      sidHash: hashSessionId(sid),
      kind: session.kind,
      subjectId: session.subjectId,
      sessionVersion: session.sessionVersion,
      startedAt: new Date(now),
      lastActiveAt: new Date(now),
      expiresAt: new Date(now + (session.pending ? PENDING_SECOND_FACTOR_MS : SESSION_LIFETIME_MS)),
      pending: session.pending ?? null,
      // The sign-in itself proved the password (and second factor, where on): sensitive steps may follow at
      // once (lib/admins/reauth.ts). A pending sign-in has proved nothing yet.
      reauthenticatedAt: session.pending ? null : new Date(now),
      startIp: session.clientIp,
      lastIp: session.clientIp,
      userAgent: session.userAgent ? session.userAgent.slice(0, 500) : null,
    });
  return sid;
}

/** Ends the session with this id (sign-out). True when a row was deleted. */
export async function deleteWebSession(sid: string): Promise<boolean> {
  return (await getDb().delete(webSessions).where(eq(webSessions.sidHash, hashSessionId(sid))).returning({ id: webSessions.id })).length > 0;
}

/** After a password change: the current session continues at the subject's new session version. */
export async function moveWebSessionToVersion(sid: string, sessionVersion: number): Promise<void> {
  await getDb().update(webSessions).set({ sessionVersion }).where(eq(webSessions.sidHash, hashSessionId(sid)));
}

/** Deletes rows that can never pass the gate again (past the absolute or idle expiry). */
export async function pruneWebSessions(now = Date.now()): Promise<void> {
  await getDb()
    .delete(webSessions)
    .where(or(lte(webSessions.expiresAt, new Date(now)), lte(webSessions.lastActiveAt, new Date(now - sessionIdleMs()))));
}

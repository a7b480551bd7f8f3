import 'server-only';
import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import { admins, apiSessions, mailboxes, webSessions } from '@/db/schema';
import { getDb, type Db, type Tx } from '@/db';
import { env } from '@/lib/env';
import { hashSessionId } from '@/lib/auth/session-id';
import type { SessionKind } from '@/lib/session/token';

/*
 * The web_sessions and api_sessions row operations that services need (spec §13): ending a subject's
 * sessions when its password, two-factor or allowlist changes, and the "Sessions" list with its sign-out.
 * They sit here, in the service layer, so that services never import the session layer (lib/session/), which
 * owns the gate, the session token and the sign-in flows and itself imports these (lib/session/row.ts).
 */

/** The idle limit from SESSION_IDLE_MINUTES (default 120). */
export function sessionIdleMs(): number {
  return env().SESSION_IDLE_MINUTES * 60_000;
}

/**
 * Ends every web and API session of a subject, except the web session `keepSid` (the caller's own, for
 * "sign out everywhere else" and a password change). Returns how many sessions ended.
 */
export async function endSubjectSessions(conn: Db | Tx, kind: SessionKind, subjectId: number, keepSid: string | null = null): Promise<number> {
  const web = await conn
    .delete(webSessions)
    .where(and(eq(webSessions.kind, kind), eq(webSessions.subjectId, subjectId), keepSid ? ne(webSessions.sidHash, hashSessionId(keepSid)) : undefined))
    .returning({ id: webSessions.id });
  const api = await conn
    .delete(apiSessions)
    .where(and(eq(apiSessions.level, kind === 'mailbox' ? 'mail' : 'account'), eq(apiSessions.subjectId, subjectId)))
    .returning({ id: apiSessions.id });
  return web.length + api.length;
}

export interface SessionListItem {
  /** web_sessions.id or api_sessions.id: the handle a "Sign out" button sends back (always with the subject). */
  id: number;
  channel: 'web' | 'api';
  startedAt: Date;
  lastActiveAt: Date;
  startIp: string | null;
  lastIp: string | null;
  userAgent: string | null;
  current: boolean;
}

/**
 * A subject's live sessions, web and API, most recently active first. Rows of an older session version
 * (ended by a bump) or past their expiry are left out: the gate would refuse them.
 */
export async function listSubjectSessions(kind: SessionKind, subjectId: number, currentSid: string | null = null, now = Date.now()): Promise<SessionListItem[]> {
  const db = getDb();
  const subject = kind === 'mailbox' ? mailboxes : admins;
  const [current] = await db.select({ sv: subject.sessionVersion }).from(subject).where(eq(subject.id, subjectId));
  if (!current) return [];
  const currentHash = currentSid ? hashSessionId(currentSid) : null;
  const idleCutoff = new Date(now - sessionIdleMs());
  const web = (
    await db
    .select({
      id: webSessions.id,
      sidHash: webSessions.sidHash,
      startedAt: webSessions.startedAt,
      lastActiveAt: webSessions.lastActiveAt,
      startIp: webSessions.startIp,
      lastIp: webSessions.lastIp,
      userAgent: webSessions.userAgent,
    })
    .from(webSessions)
    .where(
      and(
        eq(webSessions.kind, kind),
        eq(webSessions.subjectId, subjectId),
        eq(webSessions.sessionVersion, current.sv),
        gt(webSessions.expiresAt, new Date(now)),
        gt(webSessions.lastActiveAt, idleCutoff),
        // A sign-in still waiting for its second factor is not a session yet.
        isNull(webSessions.pending),
      ),
    )
  ).map(({ sidHash, ...row }) => ({ ...row, channel: 'web' as const, current: sidHash === currentHash }));
  const api = (
    await db
    .select({
      id: apiSessions.id,
      startedAt: apiSessions.createdAt,
      lastActiveAt: apiSessions.lastUsedAt,
      lastIp: apiSessions.clientIp,
      userAgent: apiSessions.userAgent,
    })
    .from(apiSessions)
    .where(
      and(
        eq(apiSessions.level, kind === 'mailbox' ? 'mail' : 'account'),
        eq(apiSessions.subjectId, subjectId),
        eq(apiSessions.sessionVersion, current.sv),
        gt(apiSessions.expiresAt, new Date(now)),
      ),
    )
  ).map((row) => ({ ...row, startIp: null, channel: 'api' as const, current: false }));
  return [...web, ...api].sort((a, b) => b.lastActiveAt.getTime() - a.lastActiveAt.getTime());
}

/** Ends one of the subject's own sessions by its list handle; false when it is not theirs (or already gone). */
export async function endOneSession(kind: SessionKind, subjectId: number, channel: 'web' | 'api', id: number): Promise<boolean> {
  const db = getDb();
  if (channel === 'web') {
    return (await db.delete(webSessions).where(and(eq(webSessions.id, id), eq(webSessions.kind, kind), eq(webSessions.subjectId, subjectId))).returning({ id: webSessions.id })).length > 0;
  }
  const level = kind === 'mailbox' ? 'mail' : 'account';
  return (await db.delete(apiSessions).where(and(eq(apiSessions.id, id), eq(apiSessions.level, level), eq(apiSessions.subjectId, subjectId))).returning({ id: apiSessions.id })).length > 0;
}

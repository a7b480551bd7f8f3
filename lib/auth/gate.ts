import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { accounts, admins, mailboxes, webSessions, type AllowNetsMode } from '@/db/schema';
import { prepareAs, preparedOnce } from '@/db';
import { recordAggregatedAudit, type AuditContext } from '@/lib/audit';
import { allowlistFor, parseAddress } from '@/lib/net/allowlist';
import { listAllows, type ListSubject } from '@/lib/netsets/compiled-list';
import { hasPasskey } from './passkey-presence';
import { deleteWebSessionRow, hashSessionId, needsTouch, sessionIdleMs, sessionRowProblem, touchWebSession, type SessionRowProblem } from './web-session';

/**
 * Whether a mailbox's current list (with the sets it references, expired entries left out) admits the
 * address; NULL list = unrestricted, unknown address = denied. Monitor mode is the caller's decision.
 */
export function addressAllowed(subject: ListSubject, address: string | null, now: number = Date.now()): boolean | Promise<boolean> {
  return listAllows(subject, address, now);
}

/** Whether an admin's own list (plain networks: no sets, labels or expiry) admits the address; NULL = unrestricted. */
export function plainListAllows(allowNets: string | null, address: string | null): boolean {
  if (allowNets === null) return true;
  return allowlistFor(allowNets).allows(parseAddress(address));
}

/** The columns of a mailbox (joined with its account) that addressAllowed needs; shared by every check. */
export const listSubjectColumns = {
  listMailboxId: mailboxes.id,
  accountId: mailboxes.accountId,
  // The list's fingerprint, not its text (spec §19): the list is read only for a fingerprint the process has
  // not compiled (lib/netsets/compiled-list.ts). IS NOT NULL does not fetch a TOASTed value on PostgreSQL.
  restricted: sql<boolean>`(CASE WHEN ${mailboxes.allowNets} IS NOT NULL THEN 1 ELSE 0 END)`.mapWith((v) => Number(v) === 1),
  allowNetsVersion: mailboxes.allowNetsVersion,
  allowNetsMode: mailboxes.allowNetsMode,
  netSetsVersion: accounts.netSetsVersion,
};

/**
 * What the gate is asked to check. A web session names its row by the random id from the cookie (`sid`);
 * an API session has already been found and checked by lib/auth/api-session.ts (its own row, sliding and
 * absolute expiry) and passes that row's id instead.
 */
export type GateClaims = { uid: number; sv: number; sid: string } | { uid: number; sv: number; apiSessionId: number };

export interface GateMailbox {
  id: number;
  email: string;
  accountId: number;
  sessionVersion: number;
  requireResetPassword: boolean;
  listMailboxId: number;
  restricted: boolean;
  allowNetsVersion: number;
  allowNetsMode: AllowNetsMode;
  netSetsVersion: number;
}

export type SessionEndReason = 'unknown_mailbox' | 'inactive' | 'session_version' | 'network_not_allowed' | SessionRowProblem;
/** `wouldRefuse`: in monitor mode, the list would have refused this request (audit it, let it through). */
export type GateVerdict =
  | { ok: true; mailbox: GateMailbox; wouldRefuse?: boolean }
  | { ok: false; reason: SessionEndReason; mailbox: GateMailbox | null };

const mailboxColumns = {
  id: mailboxes.id,
  email: mailboxes.email,
  sessionVersion: mailboxes.sessionVersion,
  requireResetPassword: mailboxes.requireResetPassword,
  ...listSubjectColumns,
  active: mailboxes.active,
};

const adminColumns = {
  id: admins.id,
  email: admins.email,
  accountId: admins.accountId,
  sessionVersion: admins.sessionVersion,
  allowNets: admins.allowNets,
  mustChangePassword: admins.mustChangePassword,
  active: admins.active,
  totpEnabledAt: admins.totpEnabledAt,
  hasPasskey,
  requireTwoFactor: accounts.requireTwoFactor,
};

const sessionColumns = {
  sessionId: webSessions.id,
  lastActiveAt: webSessions.lastActiveAt,
  expiresAt: webSessions.expiresAt,
  pending: webSessions.pending,
};

// Run on every request, twice (proxy and data-access layer): one indexed lookup of the subject and, for a
// web session, its session row in the same statement.
const statements = preparedOnce((db) => ({
  mailbox: prepareAs('gate_mailbox', db.select(mailboxColumns).from(mailboxes).innerJoin(accounts, eq(accounts.id, mailboxes.accountId)).where(eq(mailboxes.id, sql.placeholder('id')))),
  mailboxWeb: prepareAs(
    'gate_mailboxWeb',
    db
      .select({ ...mailboxColumns, ...sessionColumns })
      .from(mailboxes)
      .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
      .leftJoin(
        webSessions,
        and(eq(webSessions.sidHash, sql.placeholder('sidHash')), eq(webSessions.kind, 'mailbox'), eq(webSessions.subjectId, mailboxes.id)),
  )
    .where(eq(mailboxes.id, sql.placeholder('id')))
    ),
  admin: prepareAs('gate_admin', db.select(adminColumns).from(admins).innerJoin(accounts, eq(accounts.id, admins.accountId)).where(eq(admins.id, sql.placeholder('id')))),
  adminWeb: prepareAs(
    'gate_adminWeb',
    db
      .select({ ...adminColumns, ...sessionColumns })
      .from(admins)
      .innerJoin(accounts, eq(accounts.id, admins.accountId))
      .leftJoin(webSessions, and(eq(webSessions.sidHash, sql.placeholder('sidHash')), eq(webSessions.kind, 'admin'), eq(webSessions.subjectId, admins.id)))
      .where(eq(admins.id, sql.placeholder('id'))),
  ),
}));

type SessionPart = { sessionId: number | null; lastActiveAt: Date | null; expiresAt: Date | null; pending: 'second_factor' | null };

function splitSession<T extends SessionPart>(joined: T | undefined): { row: Omit<T, keyof SessionPart> | undefined; session: SessionPart } {
  if (!joined) return { row: undefined, session: { sessionId: null, lastActiveAt: null, expiresAt: null, pending: null } };
  const { sessionId, lastActiveAt, expiresAt, pending, ...row } = joined;
  return { row, session: { sessionId, lastActiveAt, expiresAt, pending } };
}

/**
 * The web-session part of the check: the row must exist and be within its absolute and idle expiry. An
 * expired row is deleted (so a copied cookie meets "unknown" afterwards); a live one records activity at
 * most once a minute (see TOUCH_INTERVAL_MS in lib/auth/web-session.ts).
 */
async function checkSessionRow(row: SessionPart, address: string | null, now: number): Promise<SessionRowProblem | null> {
  const session = row.sessionId !== null && row.lastActiveAt && row.expiresAt ? { lastActiveAt: row.lastActiveAt, expiresAt: row.expiresAt } : null;
  const problem = sessionRowProblem(session, now, sessionIdleMs());
  if (problem) {
    if (row.sessionId !== null) await deleteWebSessionRow(row.sessionId);
    return problem;
  }
  if (needsTouch(session!, now)) await touchWebSession(row.sessionId!, now, address);
  return null;
}

/**
 * The per-request check of a mailbox session, shared by proxy.ts, the data-access layer and the API: the
 * mailbox exists and is active, the session is of the current version, for a web session its row exists
 * and has not expired, and the address is admitted by the *current* list (sets expanded, expired entries
 * left out; in monitor mode a refusal only sets `wouldRefuse`). Reads the database every time so that a
 * change takes effect on the next request.
 */
export async function checkMailboxSession(claims: GateClaims, address: string | null, now = Date.now()): Promise<GateVerdict> {
  const { row, session } =
    'sid' in claims
      ? splitSession((await statements().mailboxWeb.execute({ id: claims.uid, sidHash: hashSessionId(claims.sid) }))[0])
      : { row: (await statements().mailbox.execute({ id: claims.uid }))[0], session: null };
  if (!row) return { ok: false, reason: 'unknown_mailbox', mailbox: null };
  const mailbox: GateMailbox = {
    id: row.id,
    email: row.email,
    accountId: row.accountId,
    sessionVersion: row.sessionVersion,
    requireResetPassword: row.requireResetPassword,
    listMailboxId: row.listMailboxId,
    restricted: row.restricted,
    allowNetsVersion: row.allowNetsVersion,
    allowNetsMode: row.allowNetsMode,
    netSetsVersion: row.netSetsVersion,
  };
  if (!row.active) return { ok: false, reason: 'inactive', mailbox };
  if (mailbox.sessionVersion !== claims.sv) return { ok: false, reason: 'session_version', mailbox };
  if (session) {
    const problem = await checkSessionRow(session, address, now);
    if (problem) return { ok: false, reason: problem, mailbox };
  }
  if (!(await addressAllowed(mailbox, address, now))) {
    if (mailbox.allowNetsMode === 'monitor') return { ok: true, mailbox, wouldRefuse: true };
    return { ok: false, reason: 'network_not_allowed', mailbox };
  }
  return { ok: true, mailbox };
}

export interface GateAdmin {
  id: number;
  email: string;
  accountId: number;
  sessionVersion: number;
  allowNets: string | null;
  /** Added with an initial password: confined to choosing a new one. */
  mustChangePassword: boolean;
  /** TOTP is enabled. */
  twoFactor: boolean;
  /** The account requires two-factor and this admin has none: confined to enrolment (spec §14). */
  enrolmentRequired: boolean;
}

export type AdminSessionEndReason = 'unknown_admin' | 'inactive' | 'session_version' | 'network_not_allowed' | SessionRowProblem;
/**
 * `pending`: a web session that has passed the password step of a two-factor sign-in only; it admits
 * nothing but /admin/login/verify.
 */
export type AdminGateVerdict = { ok: true; admin: GateAdmin; pending: boolean } | { ok: false; reason: AdminSessionEndReason; admin: GateAdmin | null };

/**
 * The per-request check of an admin session (web and account-level API): the admin exists and is active,
 * the session is of the current version, for a web session its row exists and has not expired, and the
 * admin's own allowed networks admit the address.
 */
export async function checkAdminSession(claims: GateClaims, address: string | null, now = Date.now()): Promise<AdminGateVerdict> {
  const { row, session } =
    'sid' in claims
      ? splitSession((await statements().adminWeb.execute({ id: claims.uid, sidHash: hashSessionId(claims.sid) }))[0])
      : { row: (await statements().admin.execute({ id: claims.uid }))[0], session: null };
  if (!row) return { ok: false, reason: 'unknown_admin', admin: null };
  const admin: GateAdmin = {
    id: row.id,
    email: row.email,
    accountId: row.accountId,
    sessionVersion: row.sessionVersion,
    allowNets: row.allowNets,
    mustChangePassword: row.mustChangePassword,
    twoFactor: row.totpEnabledAt !== null || row.hasPasskey,
    enrolmentRequired: row.requireTwoFactor && row.totpEnabledAt === null && !row.hasPasskey,
  };
  if (!row.active) return { ok: false, reason: 'inactive', admin };
  if (admin.sessionVersion !== claims.sv) return { ok: false, reason: 'session_version', admin };
  if (session) {
    const problem = await checkSessionRow(session, address, now);
    if (problem) return { ok: false, reason: problem, admin };
  }
  if (!plainListAllows(admin.allowNets, address)) return { ok: false, reason: 'network_not_allowed', admin };
  return { ok: true, admin, pending: session?.pending === 'second_factor' };
}

/**
 * Records that a mailbox session (web or API) was ended by a failed per-request check, with the reason, so
 * that an admin can see a user cut off by a list change, a forced password change or deactivation. A
 * client that keeps sending the ended session's cookie costs nothing per request, so repeats are
 * aggregated (one row per mailbox, reason and protocol per window, with a count: spec §12).
 */
export async function recordSessionEnded(ctx: AuditContext, mailboxId: number, mailbox: GateMailbox | null, reason: string, extra: Record<string, unknown> = {}): Promise<void> {
  const key = `${mailboxId}|${reason}|${ctx.protocol ?? '-'}|${JSON.stringify(extra)}`;
  await recordAggregatedAudit(ctx, {
    event: 'session_ended',
    accountId: mailbox?.accountId ?? null,
    mailboxId,
    mailboxEmail: mailbox?.email ?? null,
    detail: { reason, ...extra },
  }, key);
}

/** The same for an admin session (web or account-level API), audited as admin_session_ended. */
export async function recordAdminSessionEnded(ctx: AuditContext, admin: GateAdmin | null, reason: string, extra: Record<string, unknown> = {}): Promise<void> {
  // Aggregated like recordSessionEnded: a replayed stale cookie must not grow the log without bound.
  const key = `${admin?.id ?? '-'}|${reason}|${ctx.protocol ?? '-'}|${JSON.stringify(extra)}`;
  await recordAggregatedAudit(ctx, {
    event: 'admin_session_ended',
    accountId: admin?.accountId ?? null,
    detail: { admin: admin?.email ?? null, reason, ...extra },
  }, key);
}

import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { accounts, admins, mailboxes, webSessions, type AllowNetsMode } from '@/db/schema';
import { prepareAs, preparedOnce } from '@/db';
import { recordAggregatedAudit, type AuditContext } from '@/lib/audit';
import { plainListAllows } from '@/lib/net/allowlist';
import { listAllows, type ListSubject } from '@/lib/netsets/compiled-list';
import { hasMailboxPasskey, hasPasskey } from '@/lib/auth/passkey-presence';
import type { SessionFacts } from './evaluate';
import type { SessionKind } from './token';
import { deleteWebSessionRow, hashSessionId, needsTouch, sessionIdleMs, sessionRowProblem, touchWebSession, type SessionRowProblem } from './row';
import { mailboxTwoFactorState, type MailboxTwoFactorState } from '@/lib/auth/mailbox-two-factor';

/**
 * Whether a mailbox's current list (with the sets it references, expired entries left out) admits the
 * address; NULL list = unrestricted, unknown address = denied. Monitor mode is the caller's decision.
 */
export function addressAllowed(subject: ListSubject, address: string | null, now: number = Date.now()): boolean | Promise<boolean> {
  return listAllows(subject, address, now);
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
 * What the gate is asked to check. A web session is named by the random id from the cookie (`sid`) alone:
 * its row holds the subject and the session version it was issued at. An API session has already been
 * found and checked by lib/session/api-session.ts (its own row, sliding and absolute expiry) and passes its
 * subject, version and row id instead.
 */
export type GateClaims = { sid: string } | { uid: number; sv: number; apiSessionId: number };

export interface GateMailbox extends MailboxTwoFactorState {
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
/**
 * `wouldRefuse`: in monitor mode, the list would have refused this request (audit it, let it through).
 * `pending`: a web session that has passed only the password step of a two-factor sign-in (spec §20); it
 * admits nothing but /login/verify (lib/auth/mailbox-two-factor.ts mailboxTwoFactorConfinement).
 */
export type GateVerdict =
  | { ok: true; mailbox: GateMailbox; wouldRefuse?: boolean; pending: boolean }
  /** `subjectId`: the mailbox the session was for, when known (for the audit). */
  | { ok: false; reason: SessionEndReason; mailbox: GateMailbox | null; subjectId: number | null };

const mailboxColumns = {
  id: mailboxes.id,
  email: mailboxes.email,
  sessionVersion: mailboxes.sessionVersion,
  requireResetPassword: mailboxes.requireResetPassword,
  ...listSubjectColumns,
  active: mailboxes.active,
  // Mailbox two-factor (spec §20).
  totpEnabledAt: mailboxes.totpEnabledAt,
  hasPasskey: hasMailboxPasskey,
  requireMailboxTwoFactor: accounts.requireMailboxTwoFactor,
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
  rowVersion: webSessions.sessionVersion,
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
      .from(webSessions)
      .innerJoin(mailboxes, eq(mailboxes.id, webSessions.subjectId))
      .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
      .where(and(eq(webSessions.sidHash, sql.placeholder('sidHash')), eq(webSessions.kind, 'mailbox'))),
  ),
  admin: prepareAs('gate_admin', db.select(adminColumns).from(admins).innerJoin(accounts, eq(accounts.id, admins.accountId)).where(eq(admins.id, sql.placeholder('id')))),
  adminWeb: prepareAs(
    'gate_adminWeb',
    db
      .select({ ...adminColumns, ...sessionColumns })
      .from(webSessions)
      .innerJoin(admins, eq(admins.id, webSessions.subjectId))
      .innerJoin(accounts, eq(accounts.id, admins.accountId))
      .where(and(eq(webSessions.sidHash, sql.placeholder('sidHash')), eq(webSessions.kind, 'admin'))),
  ),
  // Only when the joined lookup found nothing: a row whose subject was deleted, or no row at all.
  orphan: prepareAs(
    'gate_orphan',
    db
      .select({ subjectId: webSessions.subjectId })
      .from(webSessions)
      .where(and(eq(webSessions.sidHash, sql.placeholder('sidHash')), eq(webSessions.kind, sql.placeholder('kind')))),
  ),
}));

type SessionPart = { sessionId: number; rowVersion: number; lastActiveAt: Date; expiresAt: Date; pending: 'second_factor' | null };

type Loaded<R> = { row: R; session: SessionPart | null; version: number } | { missing: 'session_unknown' | 'unknown_subject'; subjectId: number | null };

/**
 * Loads the subject and, for a web session, its row in one statement (the version to hold the subject to
 * is the row's, or the API session's). When nothing is found, says why: the row is unknown (signed out,
 * ended, never existed), or its subject is gone (`subjectId`: the orphaned row's, or the API session's).
 */
async function loadSubject<R extends object>(
  kind: SessionKind,
  claims: GateClaims,
  web: { execute(args: { sidHash: string }): Promise<(R & SessionPart)[]> },
  byId: { execute(args: { id: number }): Promise<R[]> },
): Promise<Loaded<R>> {
  if (!('sid' in claims)) {
    const [row] = await byId.execute({ id: claims.uid });
    return row ? { row, session: null, version: claims.sv } : { missing: 'unknown_subject', subjectId: claims.uid };
  }
  const sidHash = hashSessionId(claims.sid);
  const [joined] = await web.execute({ sidHash });
  if (joined) {
    const { sessionId, rowVersion, lastActiveAt, expiresAt, pending, ...row } = joined;
    return { row: row as unknown as R, session: { sessionId, rowVersion, lastActiveAt, expiresAt, pending }, version: rowVersion };
  }
  const [orphan] = await statements().orphan.execute({ sidHash, kind });
  return orphan ? { missing: 'unknown_subject', subjectId: orphan.subjectId } : { missing: 'session_unknown', subjectId: null };
}

/**
 * The web-session part of the check: the row must exist and be within its absolute and idle expiry. An
 * expired row is deleted (so a copied cookie meets "unknown" afterwards); a live one records activity at
 * most once a minute (see TOUCH_INTERVAL_MS in lib/session/row.ts).
 */
async function checkSessionRow(row: SessionPart, address: string | null, now: number): Promise<SessionRowProblem | null> {
  const problem = sessionRowProblem(row, now, sessionIdleMs());
  if (problem) {
    await deleteWebSessionRow(row.sessionId);
    return problem;
  }
  if (needsTouch(row, now)) await touchWebSession(row.sessionId, now, address);
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
  const loaded = await loadSubject('mailbox', claims, statements().mailboxWeb, statements().mailbox);
  if ('missing' in loaded) return { ok: false, reason: loaded.missing === 'session_unknown' ? 'session_unknown' : 'unknown_mailbox', mailbox: null, subjectId: loaded.subjectId };
  const { row, session, version: expectedVersion } = loaded;
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
    ...mailboxTwoFactorState(row),
  };
  const ended = (reason: SessionEndReason): GateVerdict => ({ ok: false, reason, mailbox, subjectId: mailbox.id });
  if (!row.active) return ended('inactive');
  if (mailbox.sessionVersion !== expectedVersion) return ended('session_version');
  if (session) {
    const problem = await checkSessionRow(session, address, now);
    if (problem) return ended(problem);
  }
  const pending = session?.pending === 'second_factor';
  if (!(await addressAllowed(mailbox, address, now))) {
    if (mailbox.allowNetsMode === 'monitor') return { ok: true, mailbox, wouldRefuse: true, pending };
    return ended('network_not_allowed');
  }
  return { ok: true, mailbox, pending };
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
export type AdminGateVerdict =
  | { ok: true; admin: GateAdmin; pending: boolean }
  | { ok: false; reason: AdminSessionEndReason; admin: GateAdmin | null; subjectId: number | null };

/**
 * The per-request check of an admin session (web and account-level API): the admin exists and is active,
 * the session is of the current version, for a web session its row exists and has not expired, and the
 * admin's own allowed networks admit the address.
 */
export async function checkAdminSession(claims: GateClaims, address: string | null, now = Date.now()): Promise<AdminGateVerdict> {
  const loaded = await loadSubject('admin', claims, statements().adminWeb, statements().admin);
  if ('missing' in loaded) return { ok: false, reason: loaded.missing === 'session_unknown' ? 'session_unknown' : 'unknown_admin', admin: null, subjectId: loaded.subjectId };
  const { row, session, version: expectedVersion } = loaded;
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
  const ended = (reason: AdminSessionEndReason): AdminGateVerdict => ({ ok: false, reason, admin, subjectId: admin.id });
  if (!row.active) return ended('inactive');
  if (admin.sessionVersion !== expectedVersion) return ended('session_version');
  if (session) {
    const problem = await checkSessionRow(session, address, now);
    if (problem) return ended(problem);
  }
  if (!plainListAllows(admin.allowNets, address)) return ended('network_not_allowed');
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

/** The facts `evaluate` orders (./evaluate.ts), from a mailbox check. */
export function mailboxFacts(verdict: GateVerdict): SessionFacts {
  const mailbox = verdict.mailbox;
  return {
    kind: 'mailbox',
    // An ended session is never issued a scope, so its account does not matter.
    accountId: mailbox?.accountId ?? 0,
    ended: verdict.ok ? null : verdict.reason,
    // Mailbox two-factor (spec §20): the verify step of a sign-in, and the enrolment the account may require.
    pendingSecondFactor: verdict.ok && verdict.pending,
    mustChangePassword: mailbox?.requireResetPassword ?? false,
    mustEnrol: mailbox?.twoFactorEnrolmentRequired ?? false,
    monitored: verdict.ok && verdict.wouldRefuse === true,
  };
}

/** The facts `evaluate` orders, from an admin check. */
export function adminFacts(verdict: AdminGateVerdict): SessionFacts {
  const admin = verdict.admin;
  return {
    kind: 'admin',
    accountId: admin?.accountId ?? 0,
    ended: verdict.ok ? null : verdict.reason,
    pendingSecondFactor: verdict.ok && verdict.pending,
    mustChangePassword: admin?.mustChangePassword ?? false,
    mustEnrol: admin?.enrolmentRequired ?? false,
    monitored: false,
  };
}

/** A token that does not decode (or a past session's marker): ended, with nothing to audit. */
export function undecodableFacts(kind: SessionKind): SessionFacts {
  return { kind, accountId: 0, ended: 'token_invalid', pendingSecondFactor: false, mustChangePassword: false, mustEnrol: false, monitored: false };
}

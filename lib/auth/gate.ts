import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { accounts, admins, mailboxes, type AllowNetsMode } from '@/db/schema';
import { getDb, preparedOnce } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { listAllows, type ListSubject } from '@/lib/netsets/compiled-list';

/**
 * Whether a mailbox's current list (with the sets it references, expired entries left out) admits the
 * address; NULL list = unrestricted, unknown address = denied. Monitor mode is the caller's decision.
 */
export function addressAllowed(subject: ListSubject, address: string | null): boolean {
  return listAllows(subject, address);
}

/** The columns of a mailbox (joined with its account) that addressAllowed needs; shared by every check. */
export const listSubjectColumns = {
  accountId: mailboxes.accountId,
  allowNets: mailboxes.allowNets,
  // Raw JSON text: part of the compiled-list memo key, parsed only when the list is compiled.
  allowNetsMetaText: sql<string | null>`${mailboxes.allowNetsMeta}`,
  allowNetsMode: mailboxes.allowNetsMode,
  netSetsVersion: accounts.netSetsVersion,
};

export interface GateMailbox {
  id: number;
  email: string;
  accountId: number;
  sessionVersion: number;
  requireResetPassword: boolean;
  allowNets: string | null;
  allowNetsMetaText: string | null;
  allowNetsMode: AllowNetsMode;
  netSetsVersion: number;
}

export type SessionEndReason = 'unknown_mailbox' | 'inactive' | 'session_version' | 'network_not_allowed';
/** `wouldRefuse`: in monitor mode, the list would have refused this request (audit it, let it through). */
export type GateVerdict =
  | { ok: true; mailbox: GateMailbox; wouldRefuse?: boolean }
  | { ok: false; reason: SessionEndReason; mailbox: GateMailbox | null };

// Runs on every request, twice (proxy and data-access layer).
const gateStatement = preparedOnce((db) =>
  db
    .select({
      id: mailboxes.id,
      email: mailboxes.email,
      sessionVersion: mailboxes.sessionVersion,
      requireResetPassword: mailboxes.requireResetPassword,
      ...listSubjectColumns,
      active: mailboxes.active,
    })
    .from(mailboxes)
    .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
    .where(eq(mailboxes.id, sql.placeholder('id')))
    .prepare(),
);

function loadGateMailbox(id: number) {
  return gateStatement().get({ id });
}

/**
 * The per-request check of a mailbox session, shared by proxy.ts and the data-access layer: the mailbox
 * exists and is active, the session is of the current version, and the address is admitted by the
 * *current* list (sets expanded, expired entries left out; in monitor mode a refusal only sets
 * `wouldRefuse`). Reads the database every time so that a change takes effect on the next request.
 */
export function checkMailboxSession(claims: { uid: number; sv: number }, address: string | null): GateVerdict {
  const row = loadGateMailbox(claims.uid);
  if (!row) return { ok: false, reason: 'unknown_mailbox', mailbox: null };
  const { active, ...mailbox } = row;
  if (!active) return { ok: false, reason: 'inactive', mailbox };
  if (mailbox.sessionVersion !== claims.sv) return { ok: false, reason: 'session_version', mailbox };
  if (!addressAllowed(mailbox, address)) {
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
}

/** The per-request check of an admin session: the admin exists and the session is of the current version. */
export function checkAdminSession(claims: { uid: number; sv: number }): GateAdmin | null {
  const row = getDb()
    .select({ id: admins.id, email: admins.email, accountId: admins.accountId, sessionVersion: admins.sessionVersion })
    .from(admins)
    .where(eq(admins.id, claims.uid))
    .get();
  return row && row.sessionVersion === claims.sv ? row : null;
}

/**
 * Records that a mailbox session (web or API) was ended by a failed per-request check, with the reason, so
 * that an admin can see a user cut off by a list change, a forced password change or deactivation.
 */
export function recordSessionEnded(ctx: AuditContext, mailboxId: number, mailbox: GateMailbox | null, reason: string, extra: Record<string, unknown> = {}): void {
  recordAudit(getDb(), ctx, {
    event: 'session_ended',
    accountId: mailbox?.accountId ?? null,
    mailboxId,
    mailboxEmail: mailbox?.email ?? null,
    detail: { reason, ...extra },
  });
}

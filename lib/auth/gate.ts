import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { admins, mailboxes } from '@/db/schema';
import { getDb, preparedOnce } from '@/db';
import { recordAggregatedAudit, type AuditContext } from '@/lib/audit';
import { allowlistFor, parseAddress } from '@/lib/net/allowlist';

/** Whether a mailbox's stored list admits the address; NULL list = unrestricted, unknown address = denied. */
export function addressAllowed(allowNets: string | null, address: string | null): boolean {
  if (allowNets === null) return true;
  return allowlistFor(allowNets).allows(parseAddress(address));
}

export interface GateMailbox {
  id: number;
  email: string;
  accountId: number;
  sessionVersion: number;
  requireResetPassword: boolean;
  allowNets: string | null;
}

export type SessionEndReason = 'unknown_mailbox' | 'inactive' | 'session_version' | 'network_not_allowed';
export type GateVerdict = { ok: true; mailbox: GateMailbox } | { ok: false; reason: SessionEndReason; mailbox: GateMailbox | null };

// Runs on every request, twice (proxy and data-access layer).
const gateStatement = preparedOnce((db) =>
  db
    .select({
      id: mailboxes.id,
      email: mailboxes.email,
      accountId: mailboxes.accountId,
      sessionVersion: mailboxes.sessionVersion,
      requireResetPassword: mailboxes.requireResetPassword,
      allowNets: mailboxes.allowNets,
      active: mailboxes.active,
    })
    .from(mailboxes)
    .where(eq(mailboxes.id, sql.placeholder('id')))
    .prepare(),
);

function loadGateMailbox(id: number) {
  return gateStatement().get({ id });
}

/**
 * The per-request check of a mailbox session, shared by proxy.ts and the data-access layer: the mailbox
 * exists and is active, the session is of the current version, and the address is admitted by the
 * *current* list. Reads the database every time so that a change takes effect on the next request.
 */
export function checkMailboxSession(claims: { uid: number; sv: number }, address: string | null): GateVerdict {
  const row = loadGateMailbox(claims.uid);
  if (!row) return { ok: false, reason: 'unknown_mailbox', mailbox: null };
  const { active, ...mailbox } = row;
  if (!active) return { ok: false, reason: 'inactive', mailbox };
  if (mailbox.sessionVersion !== claims.sv) return { ok: false, reason: 'session_version', mailbox };
  if (!addressAllowed(mailbox.allowNets, address)) return { ok: false, reason: 'network_not_allowed', mailbox };
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
 * that an admin can see a user cut off by a list change, a forced password change or deactivation. A
 * client that keeps sending the ended session's cookie costs nothing per request, so repeats are
 * aggregated (one row per mailbox, reason and protocol per window, with a count: spec §12).
 */
export function recordSessionEnded(ctx: AuditContext, mailboxId: number, mailbox: GateMailbox | null, reason: string, extra: Record<string, unknown> = {}): void {
  const key = `${mailboxId}|${reason}|${ctx.protocol ?? '-'}|${JSON.stringify(extra)}`;
  recordAggregatedAudit(ctx, {
    event: 'session_ended',
    accountId: mailbox?.accountId ?? null,
    mailboxId,
    mailboxEmail: mailbox?.email ?? null,
    detail: { reason, ...extra },
  }, key);
}

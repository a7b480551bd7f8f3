// Not marked `server-only` so that the unit tests and the CLI can load it; it reads no request.
import { currentRequest, log } from '@/lib/log';
import { countSessionEnded, countSignIn } from './metrics';

/** The parts of an audit row that are reported: names, reasons and who/where, never a secret. */
export interface SecurityEvent {
  event: string;
  actorKind: string;
  actorEmail?: string | null;
  accountId?: number | null;
  mailboxEmail?: string | null;
  clientIp?: string | null;
  protocol?: string | null;
  detail?: Record<string, unknown> | null;
}

const SIGN_IN: Record<string, { subject: 'mailbox' | 'admin'; allowed: boolean }> = {
  login_succeeded: { subject: 'mailbox', allowed: true },
  login_failed: { subject: 'mailbox', allowed: false },
  admin_login_succeeded: { subject: 'admin', allowed: true },
  admin_login_failed: { subject: 'admin', allowed: false },
};
const SIGN_OUT = new Set(['logout', 'admin_logout']);

/**
 * Reports an audited event outside the database as well: one JSON log line (with the id of the request that
 * caused it) and the sign-in and session counters of /metrics. lib/audit.ts calls it for every row it
 * writes, so the log, the metrics and the audit trail cannot disagree. Only the event, its reason and
 * who/where are logged: the detail's other fields (old and new lists, for example) stay in the database.
 */
export function reportSecurityEvent(e: SecurityEvent): void {
  const reason = typeof e.detail?.reason === 'string' ? e.detail.reason : null;
  const signIn = SIGN_IN[e.event];
  if (signIn) countSignIn({ ...signIn, protocol: e.protocol, reason });
  if (e.event === 'session_ended') countSessionEnded(reason);
  if (SIGN_OUT.has(e.event)) countSessionEnded('sign_out');
  const admin = typeof e.detail?.admin === 'string' ? e.detail.admin : undefined;
  log().info(
    {
      kind: 'security',
      requestId: currentRequest()?.requestId,
      event: e.event,
      reason: reason ?? undefined,
      actor: e.actorKind,
      actorEmail: e.actorEmail ?? admin ?? undefined,
      accountId: e.accountId ?? undefined,
      mailbox: e.mailboxEmail ?? undefined,
      clientIp: e.clientIp ?? undefined,
      protocol: e.protocol ?? undefined,
    },
    e.event,
  );
}

import 'server-only';
import { and, desc, eq, gte } from 'drizzle-orm';
import { auditEvents, mailboxes } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { revokeAllApiKeys } from '@/lib/admins/api-keys';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { endOneSession, endSubjectSessions, listSubjectSessions, type SessionListItem } from '@/lib/session-rows';
import type { SessionKind } from '@/lib/session/token';
import { getMailboxRef } from '@/lib/mailboxes/service';
import { endMailConnections } from '@/lib/mail-kick/outbox';
import { tenantCondition, type Scope } from '@/lib/scope';
import { API_CLIENT, describeUserAgent, type DeviceDescription } from '@/lib/user-agent';

/**
 * "Where you're signed in" (spec §13): listing and ending the web and API sessions of a mailbox or an
 * admin. The webmail's /account, the admin's mailbox page, /admin/security and the CLI all call these.
 */

/** One session as the pages and the CLI show it; never the session id or token. */
export interface SessionView {
  /** The row's id within its channel: what a "Sign out" button sends back, always with its subject. */
  id: number;
  channel: 'web' | 'api';
  /** Worded by the page (lib/i18n/device-names.ts); `device.label` is the English name. */
  device: DeviceDescription;
  startedAt: Date;
  lastActiveAt: Date;
  startIp: string | null;
  lastIp: string | null;
  current: boolean;
}

function toView(item: SessionListItem): SessionView {
  const { userAgent, ...rest } = item;
  return { ...rest, device: item.channel === 'api' && !userAgent ? API_CLIENT : describeUserAgent(userAgent) };
}

/** The subject's own live sessions; `currentSid` marks "this device". */
export async function listOwnSessions(kind: SessionKind, subjectId: number, currentSid: string | null): Promise<SessionView[]> {
  return (await listSubjectSessions(kind, subjectId, currentSid)).map(toView);
}

export interface SessionSubject {
  kind: SessionKind;
  id: number;
  email: string;
  accountId: number;
}

function auditFor(subject: SessionSubject) {
  return subject.kind === 'mailbox'
    ? { accountId: subject.accountId, mailboxId: subject.id, mailboxEmail: subject.email }
    : { accountId: subject.accountId };
}

function detailFor(subject: SessionSubject, detail: Record<string, unknown>) {
  return subject.kind === 'admin' ? { admin: subject.email, ...detail } : detail;
}

/** Signs out one of the subject's own sessions from "Where you're signed in"; false when it is not theirs. */
export async function signOutOwnSession(subject: SessionSubject, channel: 'web' | 'api', id: number, ctx: AuditContext): Promise<boolean> {
  const ended = await endOneSession(subject.kind, subject.id, channel, id);
  if (ended) await recordAudit(getDb(), ctx, { event: 'session_signed_out', ...auditFor(subject), detail: detailFor(subject, { channel }) });
  return ended;
}

/** "Sign out everywhere else": every web and API session of the subject except this browser's; an admin's API keys are revoked too. */
export async function signOutOtherSessions(subject: SessionSubject, currentSid: string, ctx: AuditContext): Promise<number> {
  return transaction(async (tx) => {
    const count = await endSubjectSessions(tx, subject.kind, subject.id, currentSid);
    await recordAudit(tx, ctx, { event: 'other_sessions_signed_out', ...auditFor(subject), detail: detailFor(subject, { count }) });
    // An admin who signs out everywhere else is taking their account back: keys minted meanwhile go too.
    if (subject.kind === 'admin') await revokeAllApiKeys(tx, subject, 'signed_out_everywhere', ctx);
    // "Everywhere else" includes the mailbox's mail apps (spec §18); an admin has none.
    if (subject.kind === 'mailbox') await endMailConnections(tx, [{ id: subject.id, email: subject.email, accountId: subject.accountId }], 'sessions_ended');
    return count;
  });
}

/** A mailbox's live sessions, for its admin (scoped: another account's mailbox is "not found") and the CLI. */
export async function listMailboxSessions(scope: Scope, email: string): Promise<SessionView[]> {
  const mailbox = await getMailboxRef(scope, email);
  return (await listSubjectSessions('mailbox', mailbox.id)).map(toView);
}

/**
 * "End all sessions" of a mailbox (admin UI, CLI): deletes every web and API session, so each ends at its
 * next request. Audited `sessions_ended` with the count, the actor being the admin or the operator.
 */
/** How long after "End all sessions" the mailbox page still states its result. */
const ENDED_NOTICE_MS = 10 * 60_000;

/**
 * How many sessions `adminId` ended with the latest "End all sessions" on this mailbox in the last ten
 * minutes (its audit row), or null if there is none: the mailbox page words its notice from this row,
 * never from the redirect's query string.
 */
export async function recentSessionsEnded(scope: Scope, mailboxId: number, adminId: number, now: number = Date.now()): Promise<number | null> {
  const [row] = await getDb()
    .select({ detail: auditEvents.detail })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.mailboxId, mailboxId),
        tenantCondition(scope, auditEvents.accountId),
        gte(auditEvents.at, new Date(now - ENDED_NOTICE_MS)),
        eq(auditEvents.event, 'sessions_ended'),
        eq(auditEvents.actorKind, 'admin'),
        eq(auditEvents.actorId, adminId),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(1);
  const count = row?.detail?.count;
  return typeof count === 'number' ? count : null;
}

export async function endMailboxSessions(scope: Scope, email: string, ctx: AuditContext): Promise<number> {
  const mailbox = await getMailboxRef(scope, email);
  return transaction(async (tx) => {
    const [{ accountId }] = (await tx.select({ accountId: mailboxes.accountId }).from(mailboxes).where(eq(mailboxes.id, mailbox.id)).limit(1)) as [{ accountId: number }];
    const count = await endSubjectSessions(tx, 'mailbox', mailbox.id);
    await recordAudit(tx, ctx, { event: 'sessions_ended', accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { count } });
    await endMailConnections(tx, [{ id: mailbox.id, email: mailbox.email, accountId }], 'sessions_ended');
    return count;
  });
}

import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { ActorKind, Protocol } from '@/db/schema';
import { getDb } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { clientAddress, isHttps } from '@/lib/net/request-address';
import type { AccountScope } from '@/lib/scope';
import { adminFacts, checkAdminSession, checkMailboxSession, mailboxFacts, type GateAdmin, type GateMailbox } from '@/lib/session/check';
import { confinementPage, evaluate, type Confinement, type Verdict } from '@/lib/session/evaluate';
import { decodeSession, encodeSession, sessionCookie, type SessionClaims, type SessionKind } from '@/lib/session/token';
import { createWebSession, deleteWebSession } from '@/lib/session/row';

/**
 * The data-access layer's gate. Every page, server action and route handler of the signed-in area calls
 * requireMailbox() before touching data, whatever proxy.ts already did: the proxy is a fast redirect, not
 * the only line of defence.
 */

export interface RequestInfo {
  clientIp: string | null;
  userAgent: string | null;
  https: boolean;
}

/** The client address (decided by server.ts), user agent and scheme of the current request. */
export const requestInfo = cache(async (): Promise<RequestInfo> => {
  const h = await headers();
  return { clientIp: clientAddress(h), userAgent: h.get('user-agent'), https: isHttps(h) };
});

/** An audit context for the current web request. */
export async function webContext(actor: { kind: ActorKind; id?: number | null; email?: string | null }, protocol: Protocol = 'web'): Promise<AuditContext & { clientIp: string | null }> {
  const info = await requestInfo();
  return { actor, clientIp: info.clientIp, userAgent: info.userAgent, protocol };
}

/**
 * Starts a session for a freshly signed-in subject: a web_sessions row (what the gate requires) and the
 * session cookie (a next-auth JWT carrying the row's random id). Actions and route handlers only.
 */
export async function startSession(subject: { kind: SessionKind; uid: number; sv: number; pending?: 'second_factor' }): Promise<string> {
  const { https, clientIp, userAgent } = await requestInfo();
  const sid = await createWebSession({ kind: subject.kind, subjectId: subject.uid, sessionVersion: subject.sv, clientIp, userAgent, pending: subject.pending });
  await setSessionCookie({ kind: subject.kind, sid }, https);
  return sid;
}

async function setSessionCookie(claims: SessionClaims, https: boolean): Promise<void> {
  const cookie = sessionCookie(claims.kind, https);
  (await cookies()).set(cookie.name, await encodeSession(claims), cookie.options);
}

/**
 * Signs this browser out: deletes the session's row, so that a copy of the cookie is dead too, then the
 * cookie. Actions and route handlers only.
 */
export async function endSession(kind: SessionKind): Promise<void> {
  const claims = await readSessionClaims(kind);
  if (claims) await deleteWebSession(claims.sid);
  const { https } = await requestInfo();
  const cookie = sessionCookie(kind, https);
  (await cookies()).set(cookie.name, '', { ...cookie.options, maxAge: 0 });
}

/** Signs this browser's mailbox session out, audited when it was still live (the row goes either way). */
export async function signOutMailbox(): Promise<void> {
  const claims = await readSessionClaims('mailbox');
  if (claims) {
    const verdict = await checkMailboxSession(claims, (await requestInfo()).clientIp);
    // Audited only for a live session; endSession deletes the row either way.
    if (verdict.ok) {
      const { id, email, accountId } = verdict.mailbox;
      await recordAudit(getDb(), await webContext({ kind: 'mailbox', id, email }), { event: 'logout', accountId, mailboxId: id, mailboxEmail: email });
    }
  }
  await endSession('mailbox');
}

/** Signs this browser's admin session out (the caller has checked it with requireAdmin), audited. */
export async function signOutAdmin(admin: { id: number; email: string; accountId: number }): Promise<void> {
  await recordAudit(getDb(), await webContext({ kind: 'admin', id: admin.id, email: admin.email }), { event: 'admin_logout', accountId: admin.accountId, detail: { admin: admin.email } });
  await endSession('admin');
}

/** The decoded session cookie of that kind, without any database check. */
export async function readSessionClaims(kind: SessionKind): Promise<SessionClaims | null> {
  const { https } = await requestInfo();
  return decodeSession((await cookies()).get(sessionCookie(kind, https).name)?.value, kind);
}

/** A mailbox session that passed every check of this request. Data functions take it as proof. */
export interface MailboxSession {
  readonly mailbox: GateMailbox;
  readonly claims: SessionClaims;
  /** The mailbox's account, issued by the session layer: what services take. */
  readonly scope: AccountScope;
  readonly clientIp: string | null;
}

/** Where the data-access layer sends a request that a verdict does not admit (the proxy's redirects, as a throw). */
function refuse(kind: SessionKind, verdict: Exclude<Verdict, { kind: 'allowed' }>): never {
  const login = kind === 'admin' ? '/admin/login' : '/login';
  switch (verdict.kind) {
    case 'signed-out':
      redirect(login);
    case 'ended':
      redirect(`${login}?ended=1`);
    case 'confined':
      redirect(confinementPage(kind, verdict.step) ?? login);
    case 'at-step':
    case 'step-done':
      redirect(kind === 'admin' ? '/admin' : '/mail');
  }
}

/**
 * The ordered checks of lib/session/evaluate.ts for this request's mailbox session. `confinedPage`: the
 * caller is the page or action that resolves that confinement (the change-password flow, the two-factor
 * enrolment the account may require).
 */
export const requireMailbox = cache(async (confinedPage: 'password-choice' | 'enrolment' | false = false): Promise<MailboxSession> => {
  const claims = await readSessionClaims('mailbox');
  if (!claims) redirect('/login');
  const { clientIp } = await requestInfo();
  const check = await checkMailboxSession(claims, clientIp);
  const verdict = evaluate(mailboxFacts(check), { at: confinedPage || null });
  if (verdict.kind !== 'allowed' || !check.ok) refuse('mailbox', verdict.kind === 'allowed' ? { kind: 'signed-out' } : verdict);
  return { mailbox: check.mailbox, claims, scope: verdict.scope, clientIp };
});

/** A mailbox sign-in waiting for its second factor (the /login/verify page and its actions only, spec §20). */
export interface PendingMailboxSession {
  readonly mailbox: GateMailbox;
  readonly claims: SessionClaims;
  readonly clientIp: string | null;
}

export const requirePendingMailbox = cache(async (): Promise<PendingMailboxSession> => {
  const claims = await readSessionClaims('mailbox');
  if (!claims) redirect('/login');
  const { clientIp } = await requestInfo();
  const check = await checkMailboxSession(claims, clientIp);
  const verdict = evaluate(mailboxFacts(check), { at: 'second-factor' });
  if (verdict.kind !== 'at-step' || !check.ok) refuse('mailbox', verdict.kind === 'allowed' || verdict.kind === 'at-step' ? { kind: 'step-done', step: 'second-factor' } : verdict);
  return { mailbox: check.mailbox, claims, clientIp };
});

/** An admin session that passed this request's checks; `scope` limits every query to the admin's account. */
export interface AdminSession {
  readonly admin: GateAdmin;
  readonly claims: SessionClaims;
  readonly scope: AccountScope;
  readonly clientIp: string | null;
}

/**
 * The confined pages that call requireAdmin: each admits the admin despite the confinement it exists to
 * resolve (sign-out admits every confinement but a pending second factor).
 */
export type AdminConfinement = Exclude<Confinement, 'second-factor'> | 'sign-out';

/**
 * The ordered checks of lib/session/evaluate.ts for this request's admin session: no valid session →
 * /admin/login; an ended one → /admin/login with "Your session has ended"; a confinement → its page.
 * Every admin page, action and route handler calls this first.
 */
export const requireAdmin = cache(async (confinedPage: AdminConfinement | false = false): Promise<AdminSession> => {
  const claims = await readSessionClaims('admin');
  if (!claims) redirect('/admin/login');
  const { clientIp } = await requestInfo();
  const check = await checkAdminSession(claims, clientIp);
  const verdict = evaluate(adminFacts(check), { at: confinedPage || null });
  if (verdict.kind !== 'allowed' || !check.ok) refuse('admin', verdict.kind === 'allowed' ? { kind: 'signed-out' } : verdict);
  return { admin: check.admin, claims, scope: verdict.scope, clientIp };
});

/** A sign-in waiting for its second factor (the verify page and its actions only). */
export interface PendingAdminSession {
  readonly admin: GateAdmin;
  readonly claims: SessionClaims;
  readonly clientIp: string | null;
}

/** The verify page's gate: only a session that has passed the password step, and nothing more. */
export const requirePendingAdmin = cache(async (): Promise<PendingAdminSession> => {
  const claims = await readSessionClaims('admin');
  if (!claims) redirect('/admin/login');
  const { clientIp } = await requestInfo();
  const check = await checkAdminSession(claims, clientIp);
  const verdict = evaluate(adminFacts(check), { at: 'second-factor' });
  if (verdict.kind !== 'at-step' || !check.ok) refuse('admin', verdict.kind === 'allowed' || verdict.kind === 'at-step' ? { kind: 'step-done', step: 'second-factor' } : verdict);
  return { admin: check.admin, claims, clientIp };
});

/** The second step of a two-factor sign-in (its path is defined once, in lib/session/evaluate.ts). */
export const ADMIN_VERIFY = confinementPage('admin', 'second-factor')!;

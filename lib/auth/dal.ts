import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { ActorKind, Protocol } from '@/db/schema';
import { getDb } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { clientAddress, isHttps } from '@/lib/net/request-address';
import { accountScope, type Scope } from '@/lib/scope';
import { checkAdminSession, checkMailboxSession, type GateAdmin, type GateMailbox } from './gate';
import { decodeSession, encodeSession, sessionCookie, type SessionClaims, type SessionKind } from './session';
import { createWebSession, deleteWebSession } from './web-session';
import { MAILBOX_TWO_FACTOR_SETUP_PATH, MAILBOX_VERIFY_PATH, mailboxTwoFactorConfinement } from './mailbox-two-factor';

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
  await setSessionCookie({ kind: subject.kind, uid: subject.uid, sv: subject.sv, sid }, https);
  return sid;
}

/** Re-issues this browser's cookie for the same session row (after a password change bumped the version). */
export async function reissueSession(claims: SessionClaims): Promise<void> {
  await setSessionCookie(claims, (await requestInfo()).https);
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
  readonly clientIp: string | null;
}

/**
 * Ordered checks: no valid session → /login; ended session (inactive, version bumped, address no longer
 * allowed) → /login with "Your session has ended"; a two-factor sign-in that has passed only its password
 * step → /login/verify (it grants nothing else); pending forced change → /change-password, unless the
 * caller is the change-password flow itself; two-factor required by the account and not set up →
 * /account/two-factor, unless the caller is that page (`twoFactorSetupPage`).
 */
export const requireMailbox = cache(async (allowPendingReset: boolean = false, twoFactorSetupPage: boolean = false): Promise<MailboxSession> => {
  const claims = await readSessionClaims('mailbox');
  if (!claims) redirect('/login');
  const { clientIp } = await requestInfo();
  const verdict = await checkMailboxSession(claims, clientIp);
  if (!verdict.ok) redirect('/login?ended=1');
  // Mailbox two-factor (spec §20): the pending second step comes before everything.
  const confinement = mailboxTwoFactorConfinement(verdict);
  if (confinement === 'verify') redirect(MAILBOX_VERIFY_PATH);
  if (verdict.mailbox.requireResetPassword && !allowPendingReset) redirect('/change-password');
  // Mailbox two-factor (spec §20): enrolment the account requires, after a pending forced change.
  if (confinement === 'enrol' && !twoFactorSetupPage && !verdict.mailbox.requireResetPassword) redirect(MAILBOX_TWO_FACTOR_SETUP_PATH);
  return { mailbox: verdict.mailbox, claims, clientIp };
});

/** A mailbox sign-in waiting for its second factor (the /login/verify page and its actions only). */
export const requirePendingMailbox = cache(async (): Promise<MailboxSession> => {
  const claims = await readSessionClaims('mailbox');
  if (!claims) redirect('/login');
  const { clientIp } = await requestInfo();
  const verdict = await checkMailboxSession(claims, clientIp);
  if (!verdict.ok) redirect('/login?ended=1');
  if (!verdict.pending) redirect('/mail');
  return { mailbox: verdict.mailbox, claims, clientIp };
});

/** Where an admin added with an initial password chooses their own (spec §14). */
export const ADMIN_PASSWORD_CHOICE = '/admin/choose-password';
/** Where an admin sets up two-factor; the only page open to one whose account requires it and who has none. */
export const ADMIN_TWO_FACTOR_SETUP = '/admin/two-factor';
/** The second step of a two-factor sign-in. */
export const ADMIN_VERIFY = '/admin/login/verify';

/** An admin session that passed this request's checks; `scope` limits every query to the admin's account. */
export interface AdminSession {
  readonly admin: GateAdmin;
  readonly claims: SessionClaims;
  readonly scope: Scope;
  readonly clientIp: string | null;
}

/**
 * The confined pages that call requireAdmin: each admits the admin despite the confinement it exists to
 * resolve (sign-out admits both).
 */
export type AdminConfinement = 'password-choice' | 'enrolment' | 'sign-out';

/**
 * No valid admin session → /admin/login; an ended one (row deleted or expired, deactivated, version bumped,
 * address no longer allowed by the admin's own list) → /admin/login with "Your session has ended"; a
 * two-factor sign-in that has only passed the password step → /admin/login/verify (it grants nothing
 * else); an initial password not yet replaced → the password choice; an account that requires two-factor
 * while this admin has none → two-factor setup. Every admin page, action and route handler calls this first.
 */
export const requireAdmin = cache(async (confinedPage: AdminConfinement | false = false): Promise<AdminSession> => {
  const claims = await readSessionClaims('admin');
  if (!claims) redirect('/admin/login');
  const { clientIp } = await requestInfo();
  const verdict = await checkAdminSession(claims, clientIp);
  if (!verdict.ok) redirect('/admin/login?ended=1');
  if (verdict.pending) redirect(ADMIN_VERIFY);
  const passwordChoiceOk = confinedPage === 'password-choice' || confinedPage === 'sign-out';
  // Added with an initial password: nothing but choosing their own until they have.
  if (verdict.admin.mustChangePassword && !passwordChoiceOk) redirect(ADMIN_PASSWORD_CHOICE);
  const enrolmentOk = confinedPage === 'enrolment' || confinedPage === 'sign-out';
  if (verdict.admin.enrolmentRequired && !enrolmentOk) redirect(ADMIN_TWO_FACTOR_SETUP);
  return { admin: verdict.admin, claims, scope: accountScope(verdict.admin.accountId), clientIp };
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
  const verdict = await checkAdminSession(claims, clientIp);
  if (!verdict.ok) redirect('/admin/login?ended=1');
  if (!verdict.pending) redirect('/admin');
  return { admin: verdict.admin, claims, clientIp };
});

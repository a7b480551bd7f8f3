import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { ActorKind, Protocol } from '@/db/schema';
import type { AuditContext } from '@/lib/audit';
import { clientAddress, isHttps } from '@/lib/net/request-address';
import { accountScope, type Scope } from '@/lib/scope';
import { checkAdminSession, checkMailboxSession, type GateAdmin, type GateMailbox } from './gate';
import { decodeSession, encodeSession, sessionCookie, type SessionClaims, type SessionKind } from './session';

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

/** Sets the session cookie (a next-auth JWT) for a freshly signed-in subject. Actions and route handlers only. */
export async function startSession(claims: SessionClaims): Promise<void> {
  const { https } = await requestInfo();
  const cookie = sessionCookie(claims.kind, https);
  (await cookies()).set(cookie.name, await encodeSession(claims), cookie.options);
}

/** Deletes the session cookie of that kind. Actions and route handlers only. */
export async function endSession(kind: SessionKind): Promise<void> {
  const { https } = await requestInfo();
  const cookie = sessionCookie(kind, https);
  (await cookies()).set(cookie.name, '', { ...cookie.options, maxAge: 0 });
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
 * allowed) → /login with "Your session has ended"; pending forced change → /change-password, unless the
 * caller is the change-password flow itself.
 */
export const requireMailbox = cache(async (allowPendingReset: boolean = false): Promise<MailboxSession> => {
  const claims = await readSessionClaims('mailbox');
  if (!claims) redirect('/login');
  const { clientIp } = await requestInfo();
  const verdict = checkMailboxSession(claims, clientIp);
  if (!verdict.ok) redirect('/login?ended=1');
  if (verdict.mailbox.requireResetPassword && !allowPendingReset) redirect('/change-password');
  return { mailbox: verdict.mailbox, claims, clientIp };
});

/** An admin session that passed this request's checks; `scope` limits every query to the admin's account. */
export interface AdminSession {
  readonly admin: GateAdmin;
  readonly scope: Scope;
  readonly clientIp: string | null;
}

/** No valid admin session → /admin/login. Every admin page, action and route handler calls this first. */
export const requireAdmin = cache(async (): Promise<AdminSession> => {
  const claims = await readSessionClaims('admin');
  const admin = claims ? checkAdminSession(claims) : null;
  if (!admin) redirect(claims ? '/admin/login?ended=1' : '/admin/login');
  const { clientIp } = await requestInfo();
  return { admin, scope: accountScope(admin.accountId), clientIp };
});

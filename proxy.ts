import { NextResponse, type NextRequest } from 'next/server';
import { adminFacts, checkAdminSession, checkMailboxSession, mailboxFacts, recordAdminSessionEnded, recordSessionEnded, undecodableFacts } from '@/lib/session/check';
import { confinementAt, confinementPage, confinementStep, evaluate, type SessionFacts, type Verdict } from '@/lib/session/evaluate';
import { decodeSession, sessionCookie, type SessionKind } from '@/lib/session/token';
import { recordWouldRefuseRequest } from '@/lib/session/would-refuse';
import { clientAddress, isHttps } from '@/lib/net/request-address';
import { isSameOriginRequest } from '@/lib/net/same-origin';
import { createNonce, securityHeaders } from '@/lib/net/security-headers';

/**
 * Fast gate on every page request: the ordered checks of lib/session/evaluate.ts, turned into redirects by
 * the two tables below. The data-access layer (lib/session/dal.ts) evaluates the same verdict where data is
 * read or written; this is the early redirect, not the only defence.
 */

/** Signed-in mailbox pages (besides the confinement pages, which lib/session/evaluate.ts names). */
const MAILBOX_AREA = /^\/(?:mail|account)(?:\/|$)/;

function redirectTo(request: NextRequest, pathname: string, params: Record<string, string> = {}) {
  const url = new URL(pathname, request.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (request.headers.has('next-action')) {
    // A server action called by the client router (fetch): it would follow a plain redirect and choke on the
    // target's HTML. Next's own "external redirect" answer makes it load the target instead. The action has
    // not run either way; without JavaScript the form post meets the 303 below.
    return new NextResponse(null, { status: 200, headers: { 'x-action-redirect': `${url.pathname}${url.search};push`, 'content-type': 'text/plain' } });
  }
  // 303 so that a refused POST (e.g. a server action) is not replayed against the target.
  return NextResponse.redirect(url, request.method === 'GET' || request.method === 'HEAD' ? 307 : 303);
}

/**
 * An ended session's cookie is replaced by this marker (not a token: it decodes to no session) rather than
 * deleted, for a few minutes. The client router prefetches links in the background (Next.js does not tell
 * the proxy which requests are prefetches); if a prefetch met the ended session first and deleted the
 * cookie, the user's own next navigation would show a plain sign-in page instead of "Your session has
 * ended". The server refuses the session either way; the marker only keeps the notice.
 *
 * A deleted row (`session_unknown`: signed out here, or ended from elsewhere) leaves the cookie as it is. A
 * prefetch sent before this browser's own sign-out can be answered after it; a marker set by that answer
 * would land on top of the sign-out's deletion and greet the user with "Your session has ended" later.
 * Leaving the dead token costs one indexed lookup per request until it is replaced or expires.
 */
const ENDED_MARKER = 'ended';
const ENDED_MARKER_SECONDS = 600;

function markEnded(response: NextResponse, token: string, cookie: ReturnType<typeof sessionCookie>, reason: string | undefined): void {
  if (token !== ENDED_MARKER && reason !== 'session_unknown') response.cookies.set(cookie.name, ENDED_MARKER, { ...cookie.options, maxAge: ENDED_MARKER_SECONDS });
}

const ADMIN_AREA = /^\/admin(?:\/|$)/;
const ADMIN_PUBLIC = /^\/admin\/login(?:\/|$)/;

type Target = { path: string; params?: Record<string, string> } | null;

/** Where a verdict sends a request for an admin page (null: let it through). */
function adminTarget(verdict: Verdict, path: string, query: string, hadToken: boolean): Target {
  const stepPage = confinementAt('admin', path);
  switch (verdict.kind) {
    case 'signed-out':
    case 'ended':
      // The verify page without a pending sign-in: nothing to come back to.
      if (stepPage !== null && confinementStep(stepPage).exclusive) return { path: '/admin/login' };
      if (ADMIN_PUBLIC.test(path)) return null;
      return { path: '/admin/login', params: hadToken ? { ended: '1' } : { callbackUrl: path + query } };
    case 'confined':
      // A pending second factor may start afresh at the sign-in page.
      if (ADMIN_PUBLIC.test(path) && confinementStep(verdict.step).exclusive) return null;
      return { path: confinementPage('admin', verdict.step) ?? '/admin/login' };
    case 'at-step':
      return null;
    case 'step-done':
      return { path: '/admin' };
    case 'allowed':
      return verdict.within === null && ADMIN_PUBLIC.test(path) ? { path: '/admin' } : null;
  }
}

/** Where a verdict sends a request for a mailbox page (null: let it through). */
function mailboxTarget(verdict: Verdict, path: string, query: string, hadToken: boolean): Target {
  const gated = MAILBOX_AREA.test(path) || confinementAt('mailbox', path) !== null;
  const entry = path === '/login' || path === '/';
  switch (verdict.kind) {
    case 'signed-out':
    case 'ended':
      return gated ? { path: '/login', params: hadToken ? { ended: '1' } : { callbackUrl: path + query } } : null;
    case 'confined':
      return gated || entry ? { path: confinementPage('mailbox', verdict.step) ?? '/login' } : null;
    case 'at-step':
      return null;
    case 'step-done':
      return { path: '/mail' };
    case 'allowed':
      return verdict.within === null && entry ? { path: '/mail' } : null;
  }
}

/**
 * Every page response carries the security headers (lib/net/security-headers.ts) with a fresh nonce. The
 * policy also goes on the request that Next renders: Next reads the nonce from it for its own scripts.
 */
export async function proxy(request: NextRequest) {
  const headers = securityHeaders(createNonce(), { https: isHttps(request.headers), development: process.env.NODE_ENV === 'development' });
  const forwarded = new Headers(request.headers);
  forwarded.set('content-security-policy', headers['content-security-policy']!);
  // Server actions and form posts carry the browser's cookies: only a post from our own pages is run (lib/net/same-origin.ts).
  // The machine endpoints (JSON-RPC, auth_http) are outside this proxy's matcher and take no cookies.
  const response = isSameOriginRequest(request.method, request.headers)
    ? await gate(request, () => NextResponse.next({ request: { headers: forwarded } }))
    : new NextResponse('This form was sent from another site or without its origin; nothing was changed. Open the page again and send it from there.\n', {
        status: 403,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

async function gate(request: NextRequest, pass: () => NextResponse) {
  const path = request.nextUrl.pathname;
  const kind: SessionKind = ADMIN_AREA.test(path) ? 'admin' : 'mailbox';
  const ip = clientAddress(request.headers);
  const cookie = sessionCookie(kind, isHttps(request.headers));
  const token = request.cookies.get(cookie.name)?.value;
  const claims = token ? await decodeSession(token, kind) : null;
  const ctx = { clientIp: ip, userAgent: request.headers.get('user-agent'), protocol: 'web' as const };

  let facts: SessionFacts | null = null;
  if (claims && kind === 'mailbox') {
    const check = await checkMailboxSession(claims, ip);
    facts = mailboxFacts(check);
    // A deleted row (sign-out, "end all sessions") was audited when it was deleted; replays are not news.
    if (!check.ok && check.reason !== 'session_unknown' && check.subjectId !== null) await recordSessionEnded({ ...ctx, actor: { kind: 'mailbox', id: check.subjectId, email: check.mailbox?.email } }, check.subjectId, check.mailbox, check.reason);
    // Monitor mode: let it through, audited once per session (its random id) and address.
    if (check.ok && facts.monitored) await recordWouldRefuseRequest({ ...ctx, actor: { kind: 'mailbox', id: check.mailbox.id, email: check.mailbox.email } }, check.mailbox, `web:${claims.sid}`);
  } else if (claims) {
    const check = await checkAdminSession(claims, ip);
    facts = adminFacts(check);
    if (!check.ok && check.reason !== 'session_unknown') await recordAdminSessionEnded({ ...ctx, actor: { kind: 'admin', id: check.subjectId, email: check.admin?.email } }, check.admin, check.reason);
  } else if (token) {
    facts = undecodableFacts(kind);
  }
  const verdict = evaluate(facts, { at: confinementAt(kind, path) });
  const target = (kind === 'admin' ? adminTarget : mailboxTarget)(verdict, path, request.nextUrl.search, token !== undefined);
  const response = target ? redirectTo(request, target.path, target.params) : pass();
  if (token && verdict.kind === 'ended') markEnded(response, token, cookie, verdict.reason);
  return response;
}

export const config = {
  // Static assets and the machine endpoints (JSON-RPC, nginx auth_http) carry no browser session.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|v1|api/v1|api/mail-auth).*)'],
};

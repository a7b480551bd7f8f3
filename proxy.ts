import { NextResponse, type NextRequest } from 'next/server';
import { checkAdminSession, checkMailboxSession, recordAdminSessionEnded, recordSessionEnded } from '@/lib/auth/gate';
import { decodeSession, sessionCookie } from '@/lib/auth/session';
import { recordWouldRefuseRequest } from '@/lib/session/would-refuse';
import { clientAddress, isHttps } from '@/lib/net/request-address';
import { isSameOriginRequest } from '@/lib/net/same-origin';
import { createNonce, securityHeaders } from '@/lib/net/security-headers';

/**
 * Fast gate on every page request: ends sessions that no longer pass (inactive, session version bumped,
 * address not allowed by the current list), sends signed-out visitors to /login and confines a pending
 * forced password change to /change-password. The data-access layer (lib/auth/dal.ts) repeats every check
 * where data is read or written; this is the early redirect, not the only defence.
 */

const MAILBOX_AREA = /^\/(?:mail|account|change-password)(?:\/|$)/;
const PENDING_RESET_ALLOWED = /^\/change-password(?:\/|$)/;

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
const ADMIN_PASSWORD_CHOICE = /^\/admin\/choose-password(?:\/|$)/;
const ADMIN_VERIFY = /^\/admin\/login\/verify(?:\/|$)/;
const ADMIN_TWO_FACTOR_SETUP = /^\/admin\/two-factor(?:\/|$)/;

/** Admin pages: a valid admin session (separate cookie, scoped to /admin) or the admin sign-in page. */
async function adminProxy(request: NextRequest, path: string, pass: () => NextResponse) {
  const cookie = sessionCookie('admin', isHttps(request.headers));
  const token = request.cookies.get(cookie.name)?.value;
  const claims = token ? await decodeSession(token, 'admin') : null;
  const ip = clientAddress(request.headers);
  const verdict = claims ? await checkAdminSession(claims, ip) : null;
  const admin = verdict?.ok ? verdict.admin : null;
  // A deleted row (sign-out, "end all sessions") was audited when it was deleted; replays are not news.
  if (verdict && !verdict.ok && verdict.reason !== 'session_unknown' && claims) {
    const actor = { kind: 'admin' as const, id: claims.uid, email: verdict.admin?.email };
    await recordAdminSessionEnded({ actor, clientIp: ip, userAgent: request.headers.get('user-agent'), protocol: 'web' }, verdict.admin, verdict.reason);
  }
  // A two-factor sign-in that has passed only its password step grants nothing but the verify page (and a
  // fresh start at /admin/login).
  const pending = verdict?.ok === true && verdict.pending;
  let response: NextResponse;
  if (ADMIN_VERIFY.test(path)) {
    response = pending ? pass() : redirectTo(request, admin ? '/admin' : '/admin/login');
  } else if (ADMIN_PUBLIC.test(path)) {
    response = admin && !pending ? redirectTo(request, '/admin') : pass();
  } else if (!admin) {
    response = redirectTo(request, '/admin/login', token ? { ended: '1' } : { callbackUrl: path + request.nextUrl.search });
  } else if (pending) {
    response = redirectTo(request, '/admin/login/verify');
  } else if (admin.mustChangePassword && !ADMIN_PASSWORD_CHOICE.test(path)) {
    response = redirectTo(request, '/admin/choose-password');
  } else if (!admin.mustChangePassword && admin.enrolmentRequired && !ADMIN_TWO_FACTOR_SETUP.test(path)) {
    response = redirectTo(request, '/admin/two-factor');
  } else {
    response = pass();
  }
  if (token && !admin) markEnded(response, token, cookie, verdict && !verdict.ok ? verdict.reason : undefined);
  return response;
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
  if (ADMIN_AREA.test(path)) return adminProxy(request, path, pass);
  const ip = clientAddress(request.headers);
  const cookie = sessionCookie('mailbox', isHttps(request.headers));
  const token = request.cookies.get(cookie.name)?.value;

  let state: 'none' | 'ok' | 'reset' = 'none';
  let ended = false;
  let endedReason: string | undefined;
  if (token) {
    const claims = await decodeSession(token, 'mailbox');
    const verdict = claims ? await checkMailboxSession(claims, ip) : null;
    if (verdict?.ok) {
      state = verdict.mailbox.requireResetPassword ? 'reset' : 'ok';
      if (verdict.wouldRefuse) {
        // Monitor mode: let it through, audited once per session (its random id) and address.
        const actor = { kind: 'mailbox' as const, id: verdict.mailbox.id, email: verdict.mailbox.email };
        await recordWouldRefuseRequest({ actor, clientIp: ip, userAgent: request.headers.get('user-agent'), protocol: 'web' }, verdict.mailbox, `web:${claims!.sid}`);
      }
    } else {
      ended = true;
      endedReason = verdict && !verdict.ok ? verdict.reason : undefined;
      // A deleted row (sign-out, "end all sessions") was audited when it was deleted; replays are not news.
      if (verdict && claims && verdict.reason !== 'session_unknown') {
        const actor = { kind: 'mailbox' as const, id: claims.uid, email: verdict.mailbox?.email };
        await recordSessionEnded({ actor, clientIp: ip, userAgent: request.headers.get('user-agent'), protocol: 'web' }, claims.uid, verdict.mailbox, verdict.reason);
      }
    }
  }

  let response: NextResponse;
  if (MAILBOX_AREA.test(path) && state === 'none') {
    response = redirectTo(request, '/login', ended ? { ended: '1' } : { callbackUrl: path + request.nextUrl.search });
  } else if (state === 'reset' && !PENDING_RESET_ALLOWED.test(path) && (MAILBOX_AREA.test(path) || path === '/login' || path === '/')) {
    response = redirectTo(request, '/change-password');
  } else if (state === 'ok' && (path === '/login' || path === '/')) {
    response = redirectTo(request, '/mail');
  } else {
    response = pass();
  }
  if (ended && token) markEnded(response, token, cookie, endedReason);
  return response;
}

export const config = {
  // Static assets and the machine endpoints (JSON-RPC, nginx auth_http) carry no browser session.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|v1|api/v1|api/mail-auth).*)'],
};

import 'server-only';
import type { SignInResult } from '@/lib/session/sign-in';
import type { MailBackend } from '@/lib/env';
import { encodeAuthHeader } from './escaping';

/**
 * nginx's auth_http answers: always HTTP 200, the verdict in headers. nginx shows a refusal's Auth-Status
 * text to the mail client ("a1 NO <text>" in IMAP), so each text is written for the user.
 */
export const MAIL_AUTH_STATUS = {
  /** Every credential, network and inactive reason: it must not say which (spec §5, §10). */
  failed: 'Invalid login or password',
  passwordChangeRequired: 'Password change required - sign in to webmail first',
  /** The account password was right, but this mailbox's mail apps must use an app password: two-factor is on, or the account's policy says so (spec §20). */
  appPasswordRequired: 'Use an app password for mail apps',
  throttled: 'Too many attempts, try again later',
  /** Depends only on the request, never on the account, so it reveals nothing. */
  protocolUnavailable: 'This mail protocol is not offered here',
  methodUnsupported: 'This authentication method is not supported; use a password',
} as const;

/**
 * A failed attempt is delayed by Auth-Wait (nginx then lets the client try again on the same connection)
 * until nginx's count reaches this; from then on nginx closes the connection at once.
 */
export const STOP_WAITING_AT_ATTEMPT = 10;

/**
 * An answer as plain data, so that server.ts can write it straight to the socket (the fast path) and the
 * Next.js route can wrap it in a Response: both serve the same verdicts.
 */
export interface MailAuthAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * A repeat success the sign-in summaries count (SignInResult `repeat`): the channel writes no request log
   * line for it (docs/imap.md "Logs of warm logins"). Failures and refusals never carry it.
   */
  repeat?: boolean;
}

function answer(headers: Record<string, string>): MailAuthAnswer {
  return { status: 200, headers: { 'Cache-Control': 'no-store', ...headers }, body: '' };
}

/** 404 (endpoint off) or 403 (no shared secret): plain HTTP errors, not auth_http verdicts. */
export function httpError(status: 403 | 404): MailAuthAnswer {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: status === 404 ? 'Not found\n' : 'Forbidden\n' };
}

/** The answer as a web Response (the Next.js route). */
export function toResponse(a: MailAuthAnswer): Response {
  return new Response(a.body === '' ? null : a.body, { status: a.status, headers: a.headers });
}

/** A refusal nginx passes to the client; with `waitSeconds` it delays it and lets the client try again. */
export function refusal(status: string, waitSeconds?: number): MailAuthAnswer {
  return answer({ 'Auth-Status': status, ...(waitSeconds !== undefined ? { 'Auth-Wait': String(waitSeconds) } : {}) });
}

export interface SignInAnswerOptions {
  backend: MailBackend;
  /** The password the client gave, passed on to the backend. */
  password: string;
  loginAttempt: number;
  waitSeconds: number;
}

/** Translates the domain service's verdict into nginx's answer. */
export function signInAnswer(result: SignInResult, options: SignInAnswerOptions): MailAuthAnswer {
  if (result.ok) {
    const ok = answer({
      'Auth-Status': 'OK',
      'Auth-Server': options.backend.host,
      'Auth-Port': String(options.backend.port),
      // The stored spelling, so the backend sees one name per mailbox however the client typed it.
      'Auth-User': encodeAuthHeader(result.mailbox.email),
      'Auth-Pass': encodeAuthHeader(options.password),
    });
    if (result.repeat) ok.repeat = true;
    return ok;
  }
  switch (result.reason) {
    case 'password_change_required':
      return refusal(MAIL_AUTH_STATUS.passwordChangeRequired);
    case 'app_password_required':
      return refusal(MAIL_AUTH_STATUS.appPasswordRequired);
    case 'throttled':
      return refusal(MAIL_AUTH_STATUS.throttled);
    case 'failed':
      return refusal(MAIL_AUTH_STATUS.failed, options.loginAttempt < STOP_WAITING_AT_ATTEMPT ? options.waitSeconds : undefined);
  }
}

import { normaliseEmail, verifyMailboxSignIn } from '@/lib/auth/sign-in';
import { mailVerificationCache } from '@/lib/auth/verification-cache';
import { env } from '@/lib/env';
import { backendFor } from '@/lib/mail-auth/backend';
import { hasMailAuthSecret, parseMailAuthRequest } from '@/lib/mail-auth/request';
import { MAIL_AUTH_STATUS, refusal, signInAnswer } from '@/lib/mail-auth/response';

/**
 * nginx mail proxy `auth_http` endpoint (spec §10; docs/imap.md): translates nginx's headers into a call to
 * the same sign-in check as the web (throttle, password, active, allowlist against Client-IP, audit) and
 * the verdict back into headers.
 */
export async function GET(request: Request): Promise<Response> {
  const config = env();
  if (!config.MAIL_AUTH_SECRET) return new Response('Not found\n', { status: 404 });
  if (!hasMailAuthSecret(request.headers, config.MAIL_AUTH_SECRET)) return new Response('Forbidden\n', { status: 403 });

  const login = parseMailAuthRequest(request.headers);
  const backend = login.protocol ? backendFor(login.protocol) : undefined;
  if (!login.protocol || !backend) return refusal(MAIL_AUTH_STATUS.protocolUnavailable);
  if (login.password === null) return refusal(MAIL_AUTH_STATUS.methodUnsupported);

  const result = await verifyMailboxSignIn({
    email: login.user,
    password: login.password,
    context: { actor: { kind: 'mailbox', email: normaliseEmail(login.user) }, clientIp: login.clientIp, userAgent: null, protocol: login.protocol },
    allowPendingReset: false,
    verify: mailVerificationCache().verifier(login.clientIp),
  });
  return signInAnswer(result, { backend, password: login.password, loginAttempt: login.loginAttempt, waitSeconds: config.MAIL_AUTH_WAIT_SECONDS });
}

import 'server-only';
import { normaliseEmail, verifyMailboxSignIn } from '@/lib/session/sign-in';
import { mailVerificationCache } from './verification-cache';
import { env } from '@/lib/env';
import { backendFor } from './backend';
import { hasMailAuthSecret, parseMailAuthRequest, type HeaderSource } from './request';
import { httpError, MAIL_AUTH_STATUS, refusal, signInAnswer, type MailAuthAnswer } from './response';

/**
 * nginx mail proxy `auth_http` (spec §10; docs/imap.md): translates nginx's headers into a call to the same
 * sign-in check as the web (throttle, password, active, allowlist against Client-IP, audit) and the verdict
 * back into headers. Served by server.ts directly and by the Next.js route; both call this.
 */
export async function answerMailAuth(headers: HeaderSource): Promise<MailAuthAnswer> {
  const config = env();
  if (!config.MAIL_AUTH_SECRET) return httpError(404);
  if (!hasMailAuthSecret(headers, config.MAIL_AUTH_SECRET)) return httpError(403);

  const login = parseMailAuthRequest(headers);
  const backend = login.protocol ? backendFor(login.protocol) : undefined;
  if (!login.protocol || !backend) return refusal(MAIL_AUTH_STATUS.protocolUnavailable);
  if (login.password === null) return refusal(MAIL_AUTH_STATUS.methodUnsupported);

  const result = await verifyMailboxSignIn({
    email: login.user,
    password: login.password,
    context: { actor: { kind: 'mailbox', email: normaliseEmail(login.user) }, clientIp: login.clientIp, userAgent: null, protocol: login.protocol },
    allowPendingReset: false,
    verify: mailVerificationCache().verifier(login.clientIp),
    proven: mailVerificationCache().prover(login.clientIp),
  });
  return signInAnswer(result, { backend, password: login.password, loginAttempt: login.loginAttempt, waitSeconds: config.MAIL_AUTH_WAIT_SECONDS });
}

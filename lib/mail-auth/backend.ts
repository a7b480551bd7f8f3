import 'server-only';
import { env, type MailBackend } from '@/lib/env';
import type { MailProtocol } from './request';

/** The backend that serves a protocol: IMAP_BACKEND, POP3_BACKEND or SMTP_BACKEND (undefined = not offered). */
export function backendFor(protocol: MailProtocol): MailBackend | undefined {
  const config = env();
  return { imap: config.IMAP_BACKEND, pop3: config.POP3_BACKEND, smtp: config.SMTP_BACKEND }[protocol];
}

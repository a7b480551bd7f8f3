import 'server-only';
import nodemailer from 'nodemailer';
import { env } from '@/lib/env';

export type EmailOutcome = { ok: true } | { ok: false; error: string; retry: boolean };

/** Whether alert e-mails can go out at all (SMTP_URL set). */
export function emailEnabled(): boolean {
  return env().SMTP_URL !== undefined;
}

/**
 * Sends one plain-text e-mail through SMTP_URL from MAIL_FROM. The server is the operator's (not chosen by
 * a tenant), so no target rules apply; the same 5 s bounds as webhooks keep a stuck server from holding the
 * worker.
 */
export async function sendEmail(message: { to: string; subject: string; text: string }): Promise<EmailOutcome> {
  const config = env();
  if (!config.SMTP_URL) return { ok: false, error: 'SMTP_URL is not set', retry: true };
  const transport = nodemailer.createTransport({ url: config.SMTP_URL, connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 5_000 });
  try {
    await transport.sendMail({ from: config.MAIL_FROM, to: message.to, subject: message.subject, text: message.text });
    return { ok: true };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `the mail server refused or did not answer (${text.slice(0, 150)})`, retry: true };
  } finally {
    transport.close();
  }
}

import 'server-only';
import crypto from 'node:crypto';
import { env } from '@/lib/env';
import type { NotifyEventType } from './events-list';

/** The JSON a webhook receives (spec §21), also the source of the e-mail text. */
export interface NotificationBody {
  id: string;
  type: NotifyEventType | 'test';
  occurred_at: string;
  account: string;
  mailbox: string | null;
  address: string | null;
  summary: string;
  audit_url: string;
}

/** The base of audit links: PUBLIC_URL, else the address the server listens on. */
export function publicBase(): string {
  const config = env();
  return config.PUBLIC_URL ?? `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`;
}

/** The audit page filtered on what the notification is about (mailbox, event, from the event's day). */
export function auditUrl(filter: { mailbox?: string | null; event?: string | null; at: Date }): string {
  const query = new URLSearchParams();
  if (filter.mailbox) query.set('mailbox', filter.mailbox);
  if (filter.event) query.set('event', filter.event);
  // The page reads `from` as a day in the admin's time zone: the day 14 hours earlier in UTC is that day or
  // the one before in every zone (UTC−12 … UTC+14), so the event is never cut off.
  query.set('from', new Date(filter.at.getTime() - 14 * 3_600_000).toISOString().slice(0, 10));
  return `${publicBase()}/admin/audit?${query.toString()}`;
}

export function buildBody(input: Omit<NotificationBody, 'id' | 'occurred_at' | 'audit_url'> & { at: Date; auditEvent?: string | null }): NotificationBody {
  return {
    id: crypto.randomUUID(),
    type: input.type,
    occurred_at: input.at.toISOString(),
    account: input.account,
    mailbox: input.mailbox,
    address: input.address,
    summary: input.summary,
    audit_url: auditUrl({ mailbox: input.mailbox, event: input.auditEvent, at: input.at }),
  };
}

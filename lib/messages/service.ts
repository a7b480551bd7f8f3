import 'server-only';
import { and, desc, eq } from 'drizzle-orm';
import { messages } from '@/db/schema';
import { getDb } from '@/db';
import type { MailboxSession } from '@/lib/session/dal';

/**
 * The inbox service (the demo's stored messages). Every function takes the gate-checked session, so it cannot
 * be called without requireMailbox(), and reads only that mailbox's rows: pages call this, never db/.
 */

export interface MessageSummary {
  id: number;
  fromAddress: string;
  subject: string;
  receivedAt: Date;
}

export function listMessages(session: MailboxSession): Promise<MessageSummary[]> {
  return getDb()
    .select({ id: messages.id, fromAddress: messages.fromAddress, subject: messages.subject, receivedAt: messages.receivedAt })
    .from(messages)
    .where(eq(messages.mailboxId, session.mailbox.id))
    .orderBy(desc(messages.receivedAt), desc(messages.id));
}

/** A message of the session's own mailbox; another mailbox's id is simply not found. */
export async function getMessage(session: MailboxSession, id: number): Promise<(MessageSummary & { body: string }) | undefined> {
  const [message] = await getDb()
    .select({ id: messages.id, fromAddress: messages.fromAddress, subject: messages.subject, receivedAt: messages.receivedAt, body: messages.body })
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.mailboxId, session.mailbox.id)))
    .limit(1);
  return message;
}

/** Stores a message in a mailbox (the demo data's welcome messages; Portcullis receives no mail itself). */
export async function storeMessage(mailboxId: number, message: { fromAddress: string; subject: string; body: string; receivedAt: Date }): Promise<void> {
  await getDb().insert(messages).values({ mailboxId, ...message });
}

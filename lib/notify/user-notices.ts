import 'server-only';
import { eq } from 'drizzle-orm';
import { mailboxes } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { emailEnabled } from './email';

/** Whether the mailbox's user asked to be e-mailed about sign-ins from new networks (spec §21; off by default). */
export async function newNetworkNoticeOn(mailboxId: number): Promise<boolean> {
  const [row] = await getDb().select({ on: mailboxes.notifyNewNetwork }).from(mailboxes).where(eq(mailboxes.id, mailboxId)).limit(1);
  return row?.on ?? false;
}

/**
 * Switches the user's own notice on or off (audited `sign_in_notices_changed`). The flag needs no session or
 * cache change: only the event reader reads it. `updated_at` stays as it is for the same reason (it keys the
 * verification cache, which this change does not concern).
 */
export async function setNewNetworkNotice(mailbox: { id: number; email: string; accountId: number }, on: boolean, ctx: AuditContext): Promise<void> {
  await transaction(async (tx) => {
    const [before] = await tx.select({ on: mailboxes.notifyNewNetwork }).from(mailboxes).where(eq(mailboxes.id, mailbox.id)).limit(1);
    if (!before || before.on === on) return;
    await tx.update(mailboxes).set({ notifyNewNetwork: on }).where(eq(mailboxes.id, mailbox.id));
    await recordAudit(tx, ctx, { event: 'sign_in_notices_changed', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { new_network: on } });
  });
}

export { emailEnabled as userNoticesCanBeSent };

import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import { mailboxes } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import type { Locale } from '@/lib/i18n/locales';
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

/**
 * Remembers the language the mailbox's user reads: set at each web sign-in and by the language switch, so
 * that their own notices (which reach them outside any page) are written in it. One conditional UPDATE that
 * writes nothing when it is already so; no audit (a reading preference), and, like the notice's flag,
 * `updated_at` stays as it is (it keys the verification cache, which this does not concern).
 */
export async function rememberMailboxLanguage(mailboxId: number, language: Locale): Promise<void> {
  await getDb().update(mailboxes).set({ language }).where(and(eq(mailboxes.id, mailboxId), ne(mailboxes.language, language)));
}

export { emailEnabled as userNoticesCanBeSent };

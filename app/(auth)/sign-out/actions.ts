'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { recordAudit } from '@/lib/audit';
import { endSession, readSessionClaims, requestInfo, webContext } from '@/lib/auth/dal';
import { checkMailboxSession } from '@/lib/auth/gate';

/** Ends this browser's mailbox session. Allowed with a pending forced change, like the interstitial. */
export async function signOutAction(): Promise<void> {
  const claims = await readSessionClaims('mailbox');
  if (claims) {
    const verdict = await checkMailboxSession(claims, (await requestInfo()).clientIp);
    // Audited only for a live session; endSession deletes the row either way.
    if (verdict.ok) {
      const { id, email, accountId } = verdict.mailbox;
      await recordAudit(getDb(), await webContext({ kind: 'mailbox', id, email }), { event: 'logout', accountId, mailboxId: id, mailboxEmail: email });
    }
  }
  await endSession('mailbox');
  redirect('/login');
}

'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { recordAudit } from '@/lib/audit';
import { endSession, requireAdmin, webContext } from '@/lib/auth/dal';

/** Ends this browser's admin session (the mailbox session, if any, is separate and stays). */
export async function adminSignOutAction(): Promise<void> {
  // Also while an initial password has yet to be replaced.
  const { admin } = await requireAdmin('sign-out');
  await recordAudit(getDb(), await webContext({ kind: 'admin', id: admin.id, email: admin.email }), { event: 'admin_logout', accountId: admin.accountId, detail: { admin: admin.email } });
  await endSession('admin');
  redirect('/admin/login?signedOut=1');
}

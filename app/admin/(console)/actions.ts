'use server';

import { redirect } from 'next/navigation';
import { requireAdmin, signOutAdmin } from '@/lib/session/dal';

/** Ends this browser's admin session (the mailbox session, if any, is separate and stays). */
export async function adminSignOutAction(): Promise<void> {
  // Also while an initial password has yet to be replaced.
  const { admin } = await requireAdmin('sign-out');
  await signOutAdmin(admin);
  redirect('/admin/login?signedOut=1');
}

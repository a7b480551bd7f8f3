'use server';

import { redirect } from 'next/navigation';
import { signOutMailbox } from '@/lib/session/dal';

/** Ends this browser's mailbox session. Allowed with a pending forced change, like the interstitial. */
export async function signOutAction(): Promise<void> {
  await signOutMailbox();
  redirect('/login');
}

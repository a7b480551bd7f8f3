'use server';

import { redirect } from 'next/navigation';
import { requireMailbox } from '@/lib/session/dal';
import { submitOwnPasswordChange } from '@/lib/flows/password-change';
import type { PasswordChangeState } from '@/lib/flows/password-change-state';

/** The forced change: only with the flag set (the session was confined here at sign-in). */
export async function forcedPasswordChangeAction(_prev: PasswordChangeState, formData: FormData): Promise<PasswordChangeState> {
  const session = await requireMailbox('password-choice');
  if (!session.mailbox.requireResetPassword) redirect('/mail');
  const failure = await submitOwnPasswordChange(session, formData, 'forced');
  if (failure) return failure;
  redirect('/mail?notice=password-changed');
}

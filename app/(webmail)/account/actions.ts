'use server';

import { redirect } from 'next/navigation';
import { requireMailbox } from '@/lib/auth/dal';
import { submitOwnPasswordChange } from '@/lib/auth/password-change';
import type { PasswordChangeState } from '@/lib/auth/password-change-state';

/** A voluntary change: asks for the current password, same rules and session handling as the forced one. */
export async function changePasswordAction(_prev: PasswordChangeState, formData: FormData): Promise<PasswordChangeState> {
  const session = await requireMailbox();
  const failure = await submitOwnPasswordChange(session, formData, 'voluntary');
  if (failure) return failure;
  redirect('/account?notice=password-changed');
}

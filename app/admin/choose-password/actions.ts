'use server';

import { redirect } from 'next/navigation';
import { submitAdminPasswordChange } from '@/lib/flows/admin-password-change';
import { requireAdmin } from '@/lib/session/dal';
import type { PasswordChangeState } from '@/lib/flows/password-change-state';

/** An admin added with an initial password chooses their own (the initial one was just entered at sign-in). */
export async function chooseAdminPasswordAction(_prev: PasswordChangeState, formData: FormData): Promise<PasswordChangeState> {
  const session = await requireAdmin('password-choice');
  if (!session.admin.mustChangePassword) redirect('/admin/mailboxes');
  const failure = await submitAdminPasswordChange(session, formData, 'forced');
  if (failure) return failure;
  redirect('/admin/mailboxes?notice=password-chosen');
}

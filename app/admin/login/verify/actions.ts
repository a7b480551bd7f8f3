'use server';

import { redirect } from 'next/navigation';
import { adminCallbackPath } from '@/lib/auth/callback-url';
import { ADMIN_PASSWORD_CHOICE, ADMIN_TWO_FACTOR_SETUP, endSession, requirePendingAdmin, startSession, webContext } from '@/lib/auth/dal';
import { SECOND_FACTOR_FAILED, tooManyAttempts } from '@/lib/auth/messages';
import { verifySecondFactor } from '@/lib/auth/second-factor';
import { completeAdminSignIn } from '@/lib/auth/sign-in';
import { deleteWebSession } from '@/lib/auth/web-session';

export interface VerifyState {
  formError?: string;
}

/**
 * The second step of a two-factor sign-in: a code from the authenticator app or a recovery code. On
 * success the pending session is replaced by a new full one (a new random id: nothing issued before the
 * second factor carries over).
 */
export async function verifyCodeAction(_prev: VerifyState, formData: FormData): Promise<VerifyState> {
  const pending = await requirePendingAdmin();
  const code = String(formData.get('code') ?? '').slice(0, 100);
  const { admin } = pending;
  const context = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
  const result = await verifySecondFactor({ admin, code, context });
  if (!result.ok) return { formError: result.reason === 'throttled' ? tooManyAttempts(result.retryAfterMinutes) : SECOND_FACTOR_FAILED };
  await deleteWebSession(pending.claims.sid);
  await startSession({ kind: 'admin', uid: admin.id, sv: admin.sessionVersion });
  await completeAdminSignIn(admin, context, result.method);
  redirect(admin.mustChangePassword ? ADMIN_PASSWORD_CHOICE : admin.enrolmentRequired ? ADMIN_TWO_FACTOR_SETUP : adminCallbackPath(formData.get('callbackUrl')));
}

/** Gives up the pending sign-in (back to the password step). */
export async function cancelVerifyAction(): Promise<void> {
  await endSession('admin');
  redirect('/admin/login');
}

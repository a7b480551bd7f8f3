'use server';

import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { adminCallbackPath } from '@/lib/auth/callback-url';
import { ADMIN_VERIFY, startSession, webContext } from '@/lib/session/dal';
import { landingPage } from '@/lib/session/evaluate';
import { verifyAdminSignIn } from '@/lib/session/sign-in';
import { signInFieldErrors } from '@/lib/auth/sign-in-fields';
import type { LoginState } from '@/app/(auth)/login/actions';

/** Business admin sign-in: same throttling, generic failure text and audit as the mailbox sign-in. */
export async function adminSignInAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get('email') ?? '').slice(0, 320);
  const password = String(formData.get('password') ?? '');
  const t = await getTranslations('Auth');
  const fieldErrors = signInFieldErrors({ email, password }, { email: t('emailRequired'), password: t('passwordRequired') });
  if (fieldErrors) return { email, fieldErrors };
  const context = await webContext({ kind: 'admin', email: email.trim().toLowerCase() });
  const result = await verifyAdminSignIn({ email, password, context });
  if (!result.ok) {
    return { email, formError: result.reason === 'throttled' ? t('tooManyAttempts', { minutes: result.retryAfterMinutes }) : t('adminSignInFailed') };
  }
  const callbackUrl = adminCallbackPath(formData.get('callbackUrl'));
  if (result.admin.twoFactor) {
    // Only the password step is done: a pending session that admits the verify page and nothing else.
    await startSession({ kind: 'admin', uid: result.admin.id, sv: result.admin.sessionVersion, pending: 'second_factor' });
    redirect(`${ADMIN_VERIFY}?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  }
  await startSession({ kind: 'admin', uid: result.admin.id, sv: result.admin.sessionVersion });
  redirect(landingPage('admin', { mustChangePassword: result.admin.mustChangePassword, mustEnrol: result.admin.enrolmentRequired }, callbackUrl));
}

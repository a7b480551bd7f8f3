'use server';

import { getLocale, getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { startSession, webContext } from '@/lib/session/dal';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { MAILBOX_VERIFY_PATH } from '@/lib/auth/mailbox-two-factor';
import { signInFieldErrors, type SignInFieldErrors } from '@/lib/auth/sign-in-fields';
import { landingPage } from '@/lib/session/evaluate';
import { rememberMailboxLanguage } from '@/lib/notify/user-notices';

export interface LoginState {
  formError?: string;
  /** Echoed back so the user need not retype it; the password never is. */
  email?: string;
  /** Empty fields: no sign-in was attempted. */
  fieldErrors?: SignInFieldErrors;
}

export async function signInAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get('email') ?? '').slice(0, 320);
  const password = String(formData.get('password') ?? '');
  const t = await getTranslations('Auth');
  const fieldErrors = signInFieldErrors({ email, password }, { email: t('emailRequired'), password: t('passwordRequired') });
  if (fieldErrors) return { email, fieldErrors };
  const context = await webContext({ kind: 'mailbox', email: email.trim().toLowerCase() });
  const result = await verifyMailboxSignIn({ email, password, context, allowPendingReset: true });
  if (!result.ok) {
    return { email, formError: result.reason === 'throttled' ? t('tooManyAttempts', { minutes: result.retryAfterMinutes }) : t('signInFailed') };
  }
  // The user's own notices (lib/notify/) are written in the language they sign in with.
  await rememberMailboxLanguage(result.mailbox.id, await getLocale());
  if (result.secondFactor) {
    // Mailbox two-factor (spec §20): only the password step is done; a pending session admits the verify page only.
    await startSession({ kind: 'mailbox', uid: result.mailbox.id, sv: result.mailbox.sessionVersion, pending: 'second_factor' });
    redirect(`${MAILBOX_VERIFY_PATH}?callbackUrl=${encodeURIComponent(safeCallbackPath(formData.get('callbackUrl')))}`);
  }
  await startSession({ kind: 'mailbox', uid: result.mailbox.id, sv: result.mailbox.sessionVersion });
  redirect(landingPage('mailbox', { mustChangePassword: result.mailbox.requireResetPassword, mustEnrol: result.mailbox.twoFactorEnrolmentRequired }, safeCallbackPath(formData.get('callbackUrl'))));
}

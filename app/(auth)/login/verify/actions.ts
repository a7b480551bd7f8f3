'use server';

import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { endSession, requirePendingMailbox, startSession, webContext } from '@/lib/session/dal';
import { MAILBOX_TWO_FACTOR_SETUP_PATH } from '@/lib/auth/mailbox-two-factor';
import { verifyMailboxSecondFactor } from '@/lib/second-factor/verify';
import { completeMailboxSignIn } from '@/lib/session/sign-in';
import { deleteWebSession } from '@/lib/session/row';

import type { VerifyState } from '@/app/_components/verify-form';

/**
 * The second step of a mailbox sign-in with two-factor (spec §20), with a code from the authenticator app
 * or a recovery code; works without JavaScript. The same check, throttle and messages as the admins' verify
 * step. A success replaces the pending session by a new full one (a new random id: nothing issued before the
 * second factor carries over) and only then records the sign-in.
 */
export async function verifyMailboxCodeAction(_prev: VerifyState, formData: FormData): Promise<VerifyState> {
  const pending = await requirePendingMailbox();
  const { mailbox } = pending;
  const code = String(formData.get('code') ?? '').slice(0, 100);
  const context = await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email });
  const result = await verifyMailboxSecondFactor({ mailbox, code, context });
  if (!result.ok) {
    // The catalogue's Auth texts (lib/auth/messages.ts is their English), in the reader's language.
    const t = await getTranslations('Auth');
    return { formError: result.reason === 'throttled' ? t('tooManyAttempts', { minutes: result.retryAfterMinutes }) : result.reason === 'used' ? t('secondFactorUsed') : t('secondFactorFailed') };
  }
  await deleteWebSession(pending.claims.sid);
  await startSession({ kind: 'mailbox', uid: mailbox.id, sv: mailbox.sessionVersion });
  await completeMailboxSignIn(mailbox, context, result.method);
  redirect(mailbox.requireResetPassword ? '/change-password' : mailbox.twoFactorEnrolmentRequired ? MAILBOX_TWO_FACTOR_SETUP_PATH : safeCallbackPath(formData.get('callbackUrl')));
}

/** Gives up the pending sign-in (back to the password step). */
export async function cancelMailboxVerifyAction(): Promise<void> {
  await endSession('mailbox');
  redirect('/login');
}

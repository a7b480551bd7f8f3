'use server';

import { headers } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { endSession, requirePendingMailbox, startSession, webContext } from '@/lib/session/dal';
import { MAILBOX_TWO_FACTOR_SETUP_PATH } from '@/lib/auth/mailbox-two-factor';
import type { SecondFactorResult } from '@/lib/auth/second-factor';
import { subjectPasskeySignInOptions, verifyMailboxPasskeySignIn } from '@/lib/second-factor/passkey';
import { verifyMailboxSecondFactor } from '@/lib/second-factor/verify';
import { completeMailboxSignIn } from '@/lib/session/sign-in';
import { deleteWebSession } from '@/lib/session/row';
import { serviceProblemText } from '@/lib/i18n/service-problems';

import type { VerifyState } from '@/app/_components/verify-form';
import type { PasskeyOptionsState } from '@/app/_components/passkey-sign-in';

type Pending = Awaited<ReturnType<typeof requirePendingMailbox>>;

/**
 * Ends the second step, whichever factor it used: a failure answers with the generic message (or says a
 * right code was already used); a success replaces the pending session by a new full one (a new random id:
 * nothing issued before the second factor carries over) and only then records the sign-in.
 */
async function finishSecondStep(pending: Pending, result: SecondFactorResult, context: Awaited<ReturnType<typeof webContext>>, callbackUrl: unknown): Promise<VerifyState> {
  if (!result.ok) {
    // The catalogue's Auth texts (lib/auth/messages.ts is their English), in the reader's language.
    const t = await getTranslations('Auth');
    return { formError: result.reason === 'throttled' ? t('tooManyAttempts', { minutes: result.retryAfterMinutes }) : result.reason === 'used' ? t('secondFactorUsed') : t('secondFactorFailed') };
  }
  const { mailbox } = pending;
  await deleteWebSession(pending.claims.sid);
  await startSession({ kind: 'mailbox', uid: mailbox.id, sv: mailbox.sessionVersion });
  await completeMailboxSignIn(mailbox, context, result.method);
  redirect(mailbox.requireResetPassword ? '/change-password' : mailbox.twoFactorEnrolmentRequired ? MAILBOX_TWO_FACTOR_SETUP_PATH : safeCallbackPath(typeof callbackUrl === 'string' ? callbackUrl.slice(0, 2048) : null));
}

/**
 * The second step of a mailbox sign-in with two-factor (spec §20), with a code from the authenticator app
 * or a recovery code; works without JavaScript. The same check, throttle and messages as the admins' verify
 * step.
 */
export async function verifyMailboxCodeAction(_prev: VerifyState, formData: FormData): Promise<VerifyState> {
  const pending = await requirePendingMailbox();
  const { mailbox } = pending;
  const code = String(formData.get('code') ?? '').slice(0, 100);
  const context = await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email });
  const result = await verifyMailboxSecondFactor({ mailbox, code, context });
  return finishSecondStep(pending, result, context, formData.get('callbackUrl'));
}

/** "Use a passkey", first half: a fresh challenge bound to this pending session and mailbox. */
export async function mailboxPasskeySignInOptionsAction(): Promise<PasskeyOptionsState> {
  const { mailbox, claims } = await requirePendingMailbox();
  const result = await subjectPasskeySignInOptions({ kind: 'mailbox', id: mailbox.id }, claims.sid, (await headers()).get('host'));
  if (result.ok) return { options: result.options };
  // No passkey at all: the same generic message as a wrong one (nothing about the mailbox's factors leaks).
  if (result.problem) return { formError: serviceProblemText(result.problem, await getTranslations('ServiceErrors')) };
  return { formError: (await getTranslations('Auth'))('secondFactorFailed') };
}

/** "Use a passkey", second half: the browser's signed answer (spec §20: the admins' checks and throttle). */
export async function verifyMailboxPasskeyAction(response: unknown, callbackUrl: unknown): Promise<VerifyState> {
  const pending = await requirePendingMailbox();
  const { mailbox } = pending;
  const context = await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email });
  const result = await verifyMailboxPasskeySignIn({ mailbox, context, response, pendingSessionId: pending.claims.sid, host: (await headers()).get('host') });
  return finishSecondStep(pending, result, context, callbackUrl);
}

/** Gives up the pending sign-in (back to the password step). */
export async function cancelMailboxVerifyAction(): Promise<void> {
  await endSession('mailbox');
  redirect('/login');
}

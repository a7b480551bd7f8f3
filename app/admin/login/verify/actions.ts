'use server';

import { headers } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { adminCallbackPath } from '@/lib/auth/callback-url';
import { endSession, requirePendingAdmin, startSession, webContext } from '@/lib/session/dal';
import { landingPage } from '@/lib/session/evaluate';
import { passkeySignInOptions, verifyPasskeySignIn } from '@/lib/second-factor/passkey';
import type { SecondFactorResult } from '@/lib/auth/second-factor';
import { verifySecondFactor } from '@/lib/second-factor/verify';
import { completeAdminSignIn } from '@/lib/session/sign-in';
import { deleteWebSession } from '@/lib/session/row';
import { serviceProblemText } from '@/lib/i18n/service-problems';

import type { VerifyState } from '@/app/_components/verify-form';
import type { PasskeyOptionsState } from '@/app/_components/passkey-sign-in';

type Pending = Awaited<ReturnType<typeof requirePendingAdmin>>;

/**
 * Ends a second step, whichever factor it used: a failure answers with the generic message (or says a right
 * code was already used: lib/auth/second-factor.ts says why that is safe to tell); a success
 * replaces the pending session by a new full one (a new random id: nothing issued before the second factor
 * carries over) and only then records the sign-in.
 */
async function finishSecondStep(pending: Pending, result: SecondFactorResult, context: Awaited<ReturnType<typeof webContext>>, callbackUrl: FormDataEntryValue | null): Promise<VerifyState> {
  if (!result.ok) {
    const t = await getTranslations('Auth');
    return { formError: result.reason === 'throttled' ? t('tooManyAttempts', { minutes: result.retryAfterMinutes }) : result.reason === 'used' ? t('secondFactorUsed') : t('secondFactorFailed') };
  }
  const { admin } = pending;
  await deleteWebSession(pending.claims.sid);
  await startSession({ kind: 'admin', uid: admin.id, sv: admin.sessionVersion });
  await completeAdminSignIn(admin, context, result.method);
  redirect(landingPage('admin', { mustChangePassword: admin.mustChangePassword, mustEnrol: admin.enrolmentRequired }, adminCallbackPath(callbackUrl)));
}

/** The second step with a code from the authenticator app or a recovery code (works without JavaScript). */
export async function verifyCodeAction(_prev: VerifyState, formData: FormData): Promise<VerifyState> {
  const pending = await requirePendingAdmin();
  const code = String(formData.get('code') ?? '').slice(0, 100);
  const { admin } = pending;
  const context = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
  const result = await verifySecondFactor({ admin, code, context });
  return finishSecondStep(pending, result, context, formData.get('callbackUrl'));
}

/** "Use a passkey", first half: a fresh challenge bound to this pending session. */
export async function passkeySignInOptionsAction(): Promise<PasskeyOptionsState> {
  const { admin, claims } = await requirePendingAdmin();
  const result = await passkeySignInOptions(admin.id, claims.sid, (await headers()).get('host'));
  if (result.ok) return { options: result.options };
  // No passkey at all: the same generic message as a wrong one (nothing about the admin's factors leaks).
  if (result.problem) return { formError: serviceProblemText(result.problem, await getTranslations('ServiceErrors')) };
  return { formError: (await getTranslations('Auth'))('secondFactorFailed') };
}

/** "Use a passkey", second half: the browser's signed answer. */
export async function verifyPasskeyAction(response: unknown, callbackUrl: unknown): Promise<VerifyState> {
  const pending = await requirePendingAdmin();
  const { admin } = pending;
  const context = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
  const result = await verifyPasskeySignIn({ admin, context, response, pendingSessionId: pending.claims.sid, host: (await headers()).get('host') });
  return finishSecondStep(pending, result, context, typeof callbackUrl === 'string' ? callbackUrl.slice(0, 2048) : null);
}

/** Gives up the pending sign-in (back to the password step). */
export async function cancelVerifyAction(): Promise<void> {
  await endSession('admin');
  redirect('/admin/login');
}

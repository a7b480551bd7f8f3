'use server';

import { redirect } from 'next/navigation';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { ADMIN_PASSWORD_CHOICE, startSession, webContext } from '@/lib/auth/dal';
import { ADMIN_SIGN_IN_FAILED, tooManyAttempts } from '@/lib/auth/messages';
import { verifyAdminSignIn } from '@/lib/auth/sign-in';
import type { LoginState } from '@/app/(auth)/login/actions';

/** Where to go after sign-in: a path inside /admin only (a mailbox page would need the other session). */
function adminCallbackPath(value: FormDataEntryValue | null): string {
  const path = safeCallbackPath(value, '/admin/mailboxes');
  return /^\/admin(?:\/|$|\?)/.test(path) ? path : '/admin/mailboxes';
}

/** Business admin sign-in: same throttling, generic failure text and audit as the mailbox sign-in. */
export async function adminSignInAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get('email') ?? '').slice(0, 320);
  const password = String(formData.get('password') ?? '');
  const context = await webContext({ kind: 'admin', email: email.trim().toLowerCase() });
  const result = await verifyAdminSignIn({ email, password, context });
  if (!result.ok) {
    return { email, formError: result.reason === 'throttled' ? tooManyAttempts(result.retryAfterMinutes) : ADMIN_SIGN_IN_FAILED };
  }
  await startSession({ kind: 'admin', uid: result.admin.id, sv: result.admin.sessionVersion });
  redirect(result.admin.mustChangePassword ? ADMIN_PASSWORD_CHOICE : adminCallbackPath(formData.get('callbackUrl')));
}

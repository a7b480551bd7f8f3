import 'server-only';
import { env } from '@/lib/env';
import { ValidationError } from '@/lib/errors';
import { changeOwnPassword } from '@/lib/mailboxes/service';
import { ownPasswordChangeSchema } from '@/lib/mailboxes/schemas';
import { webContext, type MailboxSession } from '@/lib/session/dal';
import { tooManyAttempts } from '@/lib/auth/messages';
import type { PasswordChangeState } from './password-change-state';
import { checkPasswordPolicy } from '@/lib/auth/password-policy';
import { voluntaryPasswordChange } from './voluntary-change';
import { moveWebSessionToVersion } from '@/lib/session/row';
import { endSubjectSessions } from '@/lib/session-rows';
import { getDb } from '@/db';
import { passwordProblemTexts, validationMessages } from '@/lib/i18n/password-problems';
import { getLocale } from 'next-intl/server';
import { formFieldErrors } from '@/lib/i18n/form-errors';

const REALM = 'password-change';

/**
 * The shared body of both password-change actions: parse the form, change the password through the
 * domain service, and reissue this browser's session at the new version (every other session ends).
 * Returns form state on failure and null on success (the caller redirects).
 */
export async function submitOwnPasswordChange(session: MailboxSession, formData: FormData, reason: 'forced' | 'voluntary'): Promise<PasswordChangeState | null> {
  const parsed = ownPasswordChangeSchema.safeParse({
    currentPassword: reason === 'voluntary' ? String(formData.get('currentPassword') ?? '') : undefined,
    newPassword: String(formData.get('newPassword') ?? ''),
    confirmPassword: String(formData.get('confirmPassword') ?? ''),
  });
  const { email } = session.mailbox;
  const locale = await getLocale();
  // Every rule at once: the new password's own problems are listed beside a mismatch or a wrong current password.
  const newPasswordProblems = () => passwordProblemTexts(checkPasswordPolicy({ password: String(formData.get('newPassword') ?? ''), email, minLength: env().PASSWORD_MIN_LENGTH }), locale);
  if (!parsed.success) {
    const fieldErrors = formFieldErrors(parsed.error.flatten().fieldErrors, locale) as NonNullable<PasswordChangeState['fieldErrors']>;
    if (!fieldErrors.newPassword) {
      const problems = newPasswordProblems();
      if (problems.length > 0) fieldErrors.newPassword = problems;
    }
    return { fieldErrors };
  }

  const ctx = await webContext({ kind: 'mailbox', id: session.mailbox.id, email });
  try {
    const change = () => changeOwnPassword(session.mailbox.id, { currentPassword: parsed.data.currentPassword, newPassword: parsed.data.newPassword, reason }, ctx);
    // Voluntary: every change is counted, right or wrong (a stolen open session must not become a way to
    // guess the current password, nor to burn bcrypt). A forced one has no current password to check.
    const outcome =
      reason === 'voluntary'
        ? await voluntaryPasswordChange(
            { realm: REALM, subject: email, context: { ...ctx, clientIp: session.clientIp }, audit: { event: 'password_change_refused', accountId: session.mailbox.accountId, mailboxId: session.mailbox.id, mailboxEmail: email } },
            change,
          )
        : { limited: false as const, value: await change() };
    if (outcome.limited) return { formError: tooManyAttempts(outcome.retryAfterMinutes) };
    const { sessionVersion } = outcome.value;
    // This browser's session continues at the new version; the bump ended every other one (their rows go too).
    await endSubjectSessions(getDb(), 'mailbox', session.mailbox.id, session.claims.sid);
    await moveWebSessionToVersion(session.claims.sid, sessionVersion);
    return null;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A wrong current password stays counted; any other problem means the current password was right.
    if (error.field === 'currentPassword') {
      const problems = newPasswordProblems();
      return { fieldErrors: { currentPassword: [error.message], ...(problems.length > 0 ? { newPassword: problems } : {}) } };
    }
    const problems = validationMessages(error, locale);
    return { fieldErrors: { newPassword: problems } };
  }
}

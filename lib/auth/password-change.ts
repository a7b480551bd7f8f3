import 'server-only';
import { ValidationError } from '@/lib/errors';
import { changeOwnPassword } from '@/lib/mailboxes/service';
import { ownPasswordChangeSchema } from '@/lib/mailboxes/schemas';
import { startSession, webContext, type MailboxSession } from './dal';
import { tooManyAttempts } from './messages';
import type { PasswordChangeState } from './password-change-state';
import { beginAttempt, type Attempt } from './throttle';

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
  if (!parsed.success) return { fieldErrors: parsed.error.flatten().fieldErrors as PasswordChangeState['fieldErrors'] };

  const { email } = session.mailbox;
  let attempt: Attempt | null = null;
  if (reason === 'voluntary') {
    // A stolen open session must not become a way to guess the current password: counted before the check.
    attempt = beginAttempt({ realm: REALM, subject: email, address: session.clientIp });
    if (attempt.limited) return { formError: tooManyAttempts(attempt.retryAfterMinutes) };
  }
  const ctx = await webContext({ kind: 'mailbox', id: session.mailbox.id, email });
  try {
    const { sessionVersion } = await changeOwnPassword(session.mailbox.id, { currentPassword: parsed.data.currentPassword, newPassword: parsed.data.newPassword, reason }, ctx);
    if (attempt && !attempt.limited) attempt.succeeded();
    await startSession({ kind: 'mailbox', uid: session.mailbox.id, sv: sessionVersion });
    return null;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A wrong current password stays counted; any other problem means the current password was right.
    if (error.field === 'currentPassword') return { fieldErrors: { currentPassword: [error.message] } };
    if (attempt && !attempt.limited) attempt.succeeded();
    const problems = error.messages;
    return { fieldErrors: { newPassword: problems } };
  }
}

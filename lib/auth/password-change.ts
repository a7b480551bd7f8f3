import 'server-only';
import { ValidationError } from '@/lib/errors';
import { changeOwnPassword } from '@/lib/mailboxes/service';
import { ownPasswordChangeSchema } from '@/lib/mailboxes/schemas';
import { reissueSession, webContext, type MailboxSession } from './dal';
import { tooManyAttempts } from './messages';
import type { PasswordChangeState } from './password-change-state';
import { recordFailure, throttleStatus } from './throttle';
import { endSubjectSessions, moveWebSessionToVersion } from './web-session';
import { getDb } from '@/db';

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
  if (reason === 'voluntary') {
    // A stolen open session must not become a way to guess the current password.
    const throttle = throttleStatus(REALM, email, session.clientIp);
    if (throttle.limited) return { formError: tooManyAttempts(throttle.retryAfterMinutes) };
  }
  const ctx = await webContext({ kind: 'mailbox', id: session.mailbox.id, email });
  try {
    const { sessionVersion } = await changeOwnPassword(session.mailbox.id, { currentPassword: parsed.data.currentPassword, newPassword: parsed.data.newPassword, reason }, ctx);
    // This browser's session continues at the new version; the bump ended every other one (their rows go too).
    endSubjectSessions(getDb(), 'mailbox', session.mailbox.id, session.claims.sid);
    moveWebSessionToVersion(session.claims.sid, sessionVersion);
    await reissueSession({ ...session.claims, sv: sessionVersion });
    return null;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    if (error.field === 'currentPassword') {
      recordFailure(REALM, email, session.clientIp);
      return { fieldErrors: { currentPassword: [error.message] } };
    }
    const problems = error.messages;
    return { fieldErrors: { newPassword: problems } };
  }
}

import 'server-only';
import { changeOwnAdminPassword } from '@/lib/admins/service';
import { ValidationError } from '@/lib/errors';
import { ownPasswordChangeSchema } from '@/lib/mailboxes/schemas';
import { getDb } from '@/db';
import { reissueSession, webContext, type AdminSession } from './dal';
import { tooManyAttempts } from './messages';
import type { PasswordChangeState } from './password-change-state';
import { recordFailure, throttleStatus } from './throttle';
import { endSubjectSessions, moveWebSessionToVersion } from './web-session';

const REALM = 'admin-password-change';

/**
 * The shared body of the admin's password-change actions (the forced choice after an initial password,
 * and /admin/security): parse, change through the admins service, end every other session of the admin and
 * keep this browser's at the new version. Returns form state on failure and null on success.
 */
export async function submitAdminPasswordChange(session: AdminSession, formData: FormData, reason: 'forced' | 'voluntary'): Promise<PasswordChangeState | null> {
  const parsed = ownPasswordChangeSchema.safeParse({
    currentPassword: reason === 'voluntary' ? String(formData.get('currentPassword') ?? '') : undefined,
    newPassword: String(formData.get('newPassword') ?? ''),
    confirmPassword: String(formData.get('confirmPassword') ?? ''),
  });
  if (!parsed.success) return { fieldErrors: parsed.error.flatten().fieldErrors as PasswordChangeState['fieldErrors'] };
  const { admin } = session;
  if (reason === 'voluntary') {
    // A stolen open session must not become a way to guess the current password.
    const throttle = throttleStatus(REALM, admin.email, session.clientIp);
    if (throttle.limited) return { formError: tooManyAttempts(throttle.retryAfterMinutes) };
  }
  const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
  try {
    const { sessionVersion } = await changeOwnAdminPassword(admin.id, { currentPassword: parsed.data.currentPassword, newPassword: parsed.data.newPassword, reason }, ctx);
    endSubjectSessions(getDb(), 'admin', admin.id, session.claims.sid);
    moveWebSessionToVersion(session.claims.sid, sessionVersion);
    await reissueSession({ ...session.claims, sv: sessionVersion });
    return null;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    if (error.field === 'currentPassword') {
      recordFailure(REALM, admin.email, session.clientIp);
      return { fieldErrors: { currentPassword: [error.message] } };
    }
    return { fieldErrors: { newPassword: error.messages } };
  }
}

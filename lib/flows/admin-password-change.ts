import 'server-only';
import { changeOwnAdminPassword } from '@/lib/admins/service';
import { ValidationError } from '@/lib/errors';
import { ownPasswordChangeSchema } from '@/lib/mailboxes/schemas';
import { getDb } from '@/db';
import { webContext, type AdminSession } from '@/lib/session/dal';
import { tooManyAttempts } from '@/lib/auth/messages';
import type { PasswordChangeState } from './password-change-state';
import { voluntaryPasswordChange } from './voluntary-change';
import { moveWebSessionToVersion } from '@/lib/session/row';
import { endSubjectSessions } from '@/lib/session-rows';
import { validationMessages } from '@/lib/i18n/password-problems';
import { getLocale } from 'next-intl/server';
import { formFieldErrors } from '@/lib/i18n/form-errors';

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
  if (!parsed.success) return { fieldErrors: formFieldErrors(parsed.error.flatten().fieldErrors, await getLocale()) as PasswordChangeState['fieldErrors'] };
  const { admin } = session;
  const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
  try {
    const change = () => changeOwnAdminPassword(admin.id, { currentPassword: parsed.data.currentPassword, newPassword: parsed.data.newPassword, reason }, ctx);
    // Voluntary: every change is counted, right or wrong (lib/auth/voluntary-change.ts).
    const outcome =
      reason === 'voluntary'
        ? await voluntaryPasswordChange(
            { realm: REALM, subject: admin.email, context: { ...ctx, clientIp: session.clientIp }, audit: { event: 'admin_password_change_refused', accountId: admin.accountId, detail: { admin: admin.email } } },
            change,
          )
        : { limited: false as const, value: await change() };
    if (outcome.limited) return { formError: tooManyAttempts(outcome.retryAfterMinutes) };
    const { sessionVersion } = outcome.value;
    await endSubjectSessions(getDb(), 'admin', admin.id, session.claims.sid);
    await moveWebSessionToVersion(session.claims.sid, sessionVersion);
    return null;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A wrong current password stays counted; any other problem means the current password was right.
    if (error.field === 'currentPassword') return { fieldErrors: { currentPassword: [error.message] } };
    return { fieldErrors: { newPassword: validationMessages(error, await getLocale()) } };
  }
}

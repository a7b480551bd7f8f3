import 'server-only';
import { z } from 'zod';
import { signInToApi } from '@/lib/session/api-session';
import { SIGN_IN_FAILED, tooManyAttempts } from '@/lib/auth/messages';
import { normaliseEmail } from '@/lib/session/sign-in';
import { PASSWORD_CHANGE_REQUIRED_MESSAGE } from '../context';
import { RpcCode, RpcError } from '../errors';
import { defineMethod, stringParam } from '../method';

/** `auth {user, pass}` → `{session, level}`: an admin gets level `account`, a mailbox user level `mail`. */
export const auth = defineMethod({
  access: 'public',
  // `totp`: the current code of an admin with two-factor (spec §14).
  params: z.object({ user: stringParam(320), pass: stringParam(1024), totp: stringParam(64).optional() }),
  async handle({ user, pass, totp }, _session, ctx) {
    const result = await signInToApi({ user, pass, totp, context: ctx.audit({ kind: 'api', email: normaliseEmail(user) }) });
    if (result.ok) return { session: result.token, level: result.level };
    switch (result.reason) {
      case 'throttled':
        throw new RpcError(RpcCode.TooManyAttempts, tooManyAttempts(result.retryAfterMinutes), { retry_after_minutes: result.retryAfterMinutes });
      case 'password_change_required':
        throw new RpcError(RpcCode.PasswordChangeRequired, PASSWORD_CHANGE_REQUIRED_MESSAGE);
      default:
        // One text for every credential, network and inactive reason; the audit log has the real one.
        throw new RpcError(RpcCode.AccessDenied, SIGN_IN_FAILED);
    }
  },
});

// No `server-only`: the sign-in forms run the same check in the browser before posting; the server runs it
// again (the browser's check is a convenience, not the rule).
import { z } from 'zod';

/** What an empty sign-in field says (one place, for translation). */
export const SIGN_IN_FIELD_MESSAGES = {
  email: 'Enter your e-mail address.',
  password: 'Enter your password.',
} as const;

/**
 * The sign-in form's fields before any credential is checked: both must be filled in. An empty field is not
 * a sign-in attempt (nothing is verified, counted or audited), so it can be named without revealing
 * anything about an account.
 */
export const signInFieldsSchema = z.object({
  email: z.string().trim().min(1, SIGN_IN_FIELD_MESSAGES.email).max(320),
  password: z.string().min(1, SIGN_IN_FIELD_MESSAGES.password),
});

export type SignInFieldErrors = { email?: string[]; password?: string[] };

/** The empty fields' messages, or null when both are filled in. */
export function signInFieldErrors(fields: { email: string; password: string }): SignInFieldErrors | null {
  const parsed = signInFieldsSchema.safeParse(fields);
  if (parsed.success) return null;
  const errors = z.flattenError(parsed.error).fieldErrors;
  return { ...(errors.email ? { email: errors.email } : {}), ...(errors.password ? { password: errors.password } : {}) };
}

// No `server-only`: the sign-in forms run the same check in the browser before posting; the server runs it
// again (the browser's check is a convenience, not the rule). Plain code, not zod: zod probes `new Function`
// in the browser, which the Content-Security-Policy refuses (and reports) on the sign-in pages.

/** What an empty sign-in field says (one place, for translation). */
export const SIGN_IN_FIELD_MESSAGES = {
  email: 'Enter your e-mail address.',
  password: 'Enter your password.',
} as const;

export type SignInFieldErrors = { email?: string[]; password?: string[] };

/**
 * The sign-in form's fields before any credential is checked: both must be filled in (the address ignoring
 * spaces). An empty field is not a sign-in attempt (nothing is verified, counted or audited), so it can be
 * named without revealing anything about an account. Returns the empty fields' messages, or null.
 */
export function signInFieldErrors(fields: { email: string; password: string }): SignInFieldErrors | null {
  const errors: SignInFieldErrors = {};
  if (fields.email.trim() === '') errors.email = [SIGN_IN_FIELD_MESSAGES.email];
  if (fields.password === '') errors.password = [SIGN_IN_FIELD_MESSAGES.password];
  return errors.email || errors.password ? errors : null;
}

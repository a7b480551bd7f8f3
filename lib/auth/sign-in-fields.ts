// No `server-only`: the sign-in forms run the same check in the browser before posting; the server runs it
// again (the browser's check is a convenience, not the rule). Plain code, not zod: zod probes `new Function`
// in the browser, which the Content-Security-Policy refuses (and reports) on the sign-in pages.

/** What an empty sign-in field says: the pages pass their language's texts (catalogue `Auth`); this is English. */
export const SIGN_IN_FIELD_MESSAGES: SignInFieldMessages = {
  email: 'Enter your e-mail address.',
  password: 'Enter your password.',
};

export type SignInFieldMessages = { email: string; password: string };

export type SignInFieldErrors = { email?: string[]; password?: string[] };

/**
 * The sign-in form's fields before any credential is checked: both must be filled in (the address ignoring
 * spaces). An empty field is not a sign-in attempt (nothing is verified, counted or audited), so it can be
 * named without revealing anything about an account. Returns the empty fields' messages, or null.
 */
export function signInFieldErrors(fields: { email: string; password: string }, messages: SignInFieldMessages = SIGN_IN_FIELD_MESSAGES): SignInFieldErrors | null {
  const errors: SignInFieldErrors = {};
  if (fields.email.trim() === '') errors.email = [messages.email];
  if (fields.password === '') errors.password = [messages.password];
  return errors.email || errors.password ? errors : null;
}

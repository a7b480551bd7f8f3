/** User-facing sign-in texts, shared by the web forms and the API so that every channel says the same. */

/** The one message for every credential, network and inactive failure (spec §5): it must not say which. */
export const SIGN_IN_FAILED =
  'Sign-in failed. Check your email address and password. If your organisation limits sign-in to certain networks, connect through its network or VPN and try again.';

/** The admin sign-in's one failure text: admins are not behind a mailbox's network list, so no VPN hint. */
export const ADMIN_SIGN_IN_FAILED = 'Sign-in failed. Check your admin email address and password.';

/** Throttling may be named: it reveals nothing about the password. */
export function tooManyAttempts(minutes: number): string {
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

export const SESSION_ENDED = 'Your session has ended. Please sign in again.';

/** The failure text of the second step for a wrong code (and every factor's failure but a used code). */
export const SECOND_FACTOR_FAILED = 'That code did not work. Enter the current code from your authenticator app, or one of your unused recovery codes.';

/** The second step's text for a code that was right but is used up (shown only after the password step). */
export const SECOND_FACTOR_USED = 'That code was already used. Wait until your authenticator app shows a new code, or enter one of your unused recovery codes.';

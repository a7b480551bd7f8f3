import en from '@/lib/i18n/messages/en.json';

/**
 * The English sign-in texts of the channels without a language (the JSON-RPC API, the services' English
 * answers). The web pages read the same texts from the catalogues (namespace `Auth`) in the reader's
 * language; taking them from the English catalogue keeps every channel's English identical.
 */

/** The one message for every credential, network and inactive failure (spec §5): it must not say which. */
export const SIGN_IN_FAILED = en.Auth.signInFailed;

/** The admin sign-in's one failure text: admins are not behind a mailbox's network list, so no VPN hint. */
export const ADMIN_SIGN_IN_FAILED = en.Auth.adminSignInFailed;

/** Throttling may be named: it reveals nothing about the password. (Catalogue: `Auth.tooManyAttempts`.) */
export function tooManyAttempts(minutes: number): string {
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

export const SESSION_ENDED = en.Auth.sessionEnded;

/** The failure text of the second step for a wrong code (and every factor's failure but a used code). */
export const SECOND_FACTOR_FAILED = en.Auth.secondFactorFailed;

/** The second step's text for a code that was right but is used up (shown only after the password step). */
export const SECOND_FACTOR_USED = en.Auth.secondFactorUsed;

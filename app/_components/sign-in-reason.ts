/** The catalogue namespace of the reasons: `useTranslations(SIGN_IN_REASON_TEXTS)`. */
export const SIGN_IN_REASON_TEXTS = 'SignInReason';

/** The refusal reasons the audit log records for sign-ins; each has a text in the catalogue (`SignInReason`). */
export const SIGN_IN_REASONS = ['unknown_mailbox', 'bad_password', 'inactive', 'network_not_allowed', 'throttled', 'password_change_required'] as const;
export type SignInReason = (typeof SIGN_IN_REASONS)[number];

/** The reason as a catalogue key, or null for one this version does not name (shown as its words). */
export function knownReason(reason: string): SignInReason | null {
  return (SIGN_IN_REASONS as readonly string[]).includes(reason) ? (reason as SignInReason) : null;
}

/** A reason for people: its catalogue text where there is one, else the code's words ("some_reason" -> "some reason"). */
export function reasonWords(reason: string, translate: (key: SignInReason) => string): string {
  const key = knownReason(reason);
  return key ? translate(key) : reason.replace(/_/g, ' ');
}

import 'server-only';
import en from '@/lib/i18n/messages/en.json';

type ActionKey = keyof typeof en.MailboxTwoFactorActions;

/** A refusal of lib/mailboxes/two-factor.ts as a catalogue message: its key, and its arguments. */
export type TwoFactorMessage = { namespace: 'MailboxTwoFactorActions'; key: ActionKey } | { namespace: 'Auth'; key: 'tooManyAttempts'; minutes: number };

// The service writes these texts from the English catalogue, so the lookup by text cannot drift from it.
const BY_TEXT = new Map<string, ActionKey>(Object.entries(en.MailboxTwoFactorActions).map(([key, text]) => [text, key as ActionKey]));

/** lib/auth/messages.ts's tooManyAttempts(), read back for its minutes. */
const THROTTLED = /^Too many attempts\. Try again in (\d{1,6}) minutes?\.$/;

/**
 * Which catalogue message a refusal of the mailbox's own two-factor service is, so that the page's actions
 * answer in the reader's language; null for a text it does not know (the action shows that one as it is).
 */
export function twoFactorMessage(text: string): TwoFactorMessage | null {
  const key = BY_TEXT.get(text);
  if (key) return { namespace: 'MailboxTwoFactorActions', key };
  const throttled = THROTTLED.exec(text);
  return throttled ? { namespace: 'Auth', key: 'tooManyAttempts', minutes: Number(throttled[1]) } : null;
}

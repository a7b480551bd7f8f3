import { describe, expect, it } from 'vitest';
import { tooManyAttempts } from '@/lib/auth/messages';
import en from '@/lib/i18n/messages/en.json';
import { twoFactorMessage } from './two-factor-messages';

describe('twoFactorMessage: the two-factor service refusals as catalogue messages', () => {
  it('names the catalogue key of every refusal the service writes', () => {
    for (const [key, text] of Object.entries(en.MailboxTwoFactorActions)) expect(twoFactorMessage(text)).toEqual({ namespace: 'MailboxTwoFactorActions', key });
  });
  it('reads the minutes back out of the throttling text, singular and plural', () => {
    for (const minutes of [1, 2, 15]) expect(twoFactorMessage(tooManyAttempts(minutes))).toEqual({ namespace: 'Auth', key: 'tooManyAttempts', minutes });
  });
  it('knows no other text (the action shows it as it is)', () => {
    for (const text of ['', 'Mailbox not found', `${en.MailboxTwoFactorActions.alreadyOff} `, 'Too many attempts. Try again in soon minutes.']) expect(twoFactorMessage(text)).toBeNull();
  });
});

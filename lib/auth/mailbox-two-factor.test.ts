import { describe, expect, it } from 'vitest';
import { isMailProtocol, mailboxTwoFactorConfinement, mailboxTwoFactorState, mailboxTwoFactorStep, mailNeedsAppPasswordForTwoFactor } from './mailbox-two-factor';

const on = mailboxTwoFactorState({ totpEnabledAt: new Date(0), requireMailboxTwoFactor: false, hasPasskey: false });
const off = mailboxTwoFactorState({ totpEnabledAt: null, requireMailboxTwoFactor: false, hasPasskey: false });
const mustEnrol = mailboxTwoFactorState({ totpEnabledAt: null, requireMailboxTwoFactor: true, hasPasskey: false });
const requiredAndOn = mailboxTwoFactorState({ totpEnabledAt: new Date(0), requireMailboxTwoFactor: true, hasPasskey: false });
// Spec §20: a passkey alone turns two-factor on, and satisfies the account's policy.
const passkeyOnly = mailboxTwoFactorState({ totpEnabledAt: null, requireMailboxTwoFactor: true, hasPasskey: true });

describe('mailbox two-factor decisions (spec §20)', () => {
  it('the state: enrolment is required only when the policy is on and the mailbox has none', () => {
    expect(on).toEqual({ twoFactor: true, twoFactorEnrolmentRequired: false });
    expect(off).toEqual({ twoFactor: false, twoFactorEnrolmentRequired: false });
    expect(mustEnrol).toEqual({ twoFactor: false, twoFactorEnrolmentRequired: true });
    expect(requiredAndOn).toEqual({ twoFactor: true, twoFactorEnrolmentRequired: false });
    expect(passkeyOnly).toEqual({ twoFactor: true, twoFactorEnrolmentRequired: false });
    expect(mailboxTwoFactorStep(passkeyOnly, 'imap')).toBe('app_password_required');
    expect(mailboxTwoFactorStep(passkeyOnly, 'web')).toBe('second_factor');
  });

  it('mail protocols refuse the account password while two-factor is on, and only then (the policy alone does not)', () => {
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      expect(isMailProtocol(protocol)).toBe(true);
      expect(mailboxTwoFactorStep(on, protocol)).toBe('app_password_required');
      expect(mailboxTwoFactorStep(off, protocol)).toBeNull();
      expect(mailboxTwoFactorStep(mustEnrol, protocol)).toBeNull();
    }
    expect(mailNeedsAppPasswordForTwoFactor(on)).toBe(true);
    expect(mailNeedsAppPasswordForTwoFactor(off)).toBe(false);
  });

  it('web and API ask for the second factor; the API refuses a mailbox that must enrol, the web confines it instead', () => {
    expect(mailboxTwoFactorStep(on, 'web')).toBe('second_factor');
    expect(mailboxTwoFactorStep(on, 'api')).toBe('second_factor');
    expect(mailboxTwoFactorStep(mustEnrol, 'api')).toBe('enrolment_required');
    expect(mailboxTwoFactorStep(mustEnrol, 'web')).toBeNull();
    expect(mailboxTwoFactorStep(off, 'web')).toBeNull();
    expect(isMailProtocol('web')).toBe(false);
    expect(isMailProtocol(null)).toBe(false);
  });

  it('the gate: a pending second step comes first, then enrolment', () => {
    expect(mailboxTwoFactorConfinement({ pending: true, mailbox: mustEnrol })).toBe('verify');
    expect(mailboxTwoFactorConfinement({ pending: false, mailbox: mustEnrol })).toBe('enrol');
    expect(mailboxTwoFactorConfinement({ pending: false, mailbox: on })).toBeNull();
  });
});

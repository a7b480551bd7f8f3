import { describe, expect, it } from 'vitest';
import { auditSentence, type AuditSentenceInput } from '@/lib/audit-sentence';
import { changedBefore, passwordAge, passwordAgeDays, REMINDER_DAYS } from './password-age';

const DAY = 86_400_000;
const set = Date.UTC(2026, 0, 1);

describe('passwordAge (the routine check\'s decision)', () => {
  it('has no limit when the policy is off, however old the password', () => {
    expect(passwordAge(set, null, set + 10_000 * DAY)).toEqual({ state: 'no-limit' });
  });

  it('is fine until 14 days before expiry, a reminder from then (days left rounded up), expired at the instant', () => {
    expect(REMINDER_DAYS).toBe(14);
    expect(passwordAge(set, 30, set + 20 * DAY - 1)).toMatchObject({ state: 'reminder', daysLeft: 11 });
    expect(passwordAge(set, 30, set + 16 * DAY - 1)).toMatchObject({ state: 'ok', daysLeft: 15 });
    expect(passwordAge(set, 30, set + 16 * DAY)).toEqual({ state: 'reminder', expiresAt: set + 30 * DAY, daysLeft: 14 });
    expect(passwordAge(set, 30, set + 30 * DAY - 1)).toMatchObject({ state: 'reminder', daysLeft: 1 });
    expect(passwordAge(set, 30, set + 30 * DAY)).toEqual({ state: 'expired', expiresAt: set + 30 * DAY });
    expect(passwordAge(set, 30, set + 40 * DAY).state).toBe('expired');
    // A limit shorter than the reminder period reminds from the start.
    expect(passwordAge(set, 7, set).state).toBe('reminder');
  });

  it('counts whole days of age for the list filter', () => {
    expect(passwordAgeDays(set, set + 90 * DAY - 1)).toBe(89);
    expect(passwordAgeDays(set, set + 90 * DAY)).toBe(90);
    expect(changedBefore(90, set + 90 * DAY)).toBe(set);
  });
});

describe('audit sentences of the routine check', () => {
  const base: AuditSentenceInput = { event: 'password_expired', mailboxEmail: 'carol@example.com', actorKind: 'system', actorEmail: 'password expiry', clientIp: null, protocol: null, detail: null };
  it('words the expiry and the policy change', () => {
    expect(auditSentence({ ...base, detail: { max_age_days: 30, password_set_at: '2026-01-01T00:00:00.000Z' } })).toMatch(/^The password of carol@example\.com expired after 30 days under the account's policy; a new one is required at the next sign-in/);
    const change = auditSentence({ ...base, event: 'account_policy_changed', mailboxEmail: null, actorKind: 'admin', actorEmail: 'admin@example.com', detail: { policy: 'password_max_age_days', old: null, new: 90 } });
    expect(change).toMatch(/^admin@example\.com changed the policy "Passwords expire after N days" from never to 90 days/);
  });
});

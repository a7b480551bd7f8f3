import { describe, expect, it } from 'vitest';
import { auditSentence, type AuditSentenceInput } from '@/lib/audit-sentence';

const event = (values: Partial<AuditSentenceInput>): AuditSentenceInput => ({
  event: 'login_succeeded',
  mailboxEmail: 'carol@example.com',
  actorKind: 'mailbox',
  actorEmail: 'carol@example.com',
  clientIp: '192.0.2.7',
  protocol: 'web',
  detail: null,
  ...values,
});

describe('app password events on the admin audit page', () => {
  it('read as plain sentences', () => {
    const cases: [Partial<AuditSentenceInput>, string][] = [
      [
        { event: 'app_password_created', detail: { label: "Anna's iPhone", protocols: ['imap', 'smtp'], expires_at: '2027-01-31T00:00:00.000Z', allow_nets: '192.0.2.0/24' } },
        'carol@example.com created the app password "Anna\'s iPhone" for carol@example.com (IMAP, SMTP), expires 2027-01-31, only from 192.0.2.0/24 from 192.0.2.7',
      ],
      [{ event: 'app_password_used', protocol: 'imap', detail: { label: 'Laptop' } }, 'The app password "Laptop" of carol@example.com was used from 192.0.2.7 over IMAP for the first time from that address'],
      [{ event: 'app_password_revoked', actorKind: 'admin', actorEmail: 'admin@example.com', detail: { label: 'Laptop' } }, 'admin@example.com revoked the app password "Laptop" of carol@example.com from 192.0.2.7'],
      [{ event: 'app_passwords_revoked', actorKind: 'api', actorEmail: 'admin@example.com', detail: { count: 3, reason: 'forced_change' } }, 'Every app password of carol@example.com was revoked (3 app passwords) with a forced password change, by admin@example.com (API)'],
      [{ event: 'login_succeeded', protocol: 'imap', detail: { app_password_id: 4, app_password: 'Laptop' } }, 'carol@example.com signed in from 192.0.2.7 over IMAP with the app password "Laptop"'],
      [{ event: 'login_failed', protocol: 'imap', detail: { reason: 'app_password_required' } }, 'Sign-in refused for carol@example.com from 192.0.2.7 over IMAP: account password used by a mail app where an app password is required (two-factor on, or the account policy)'],
      [{ event: 'login_failed', protocol: 'smtp', detail: { reason: 'app_password_network' } }, "Sign-in refused for carol@example.com from 192.0.2.7 over SMTP: network not allowed by the app password's own list"],
      [
        { event: 'account_policy_changed', mailboxEmail: null, actorKind: 'admin', actorEmail: 'admin@example.com', detail: { policy: 'require_app_passwords', old: false, new: true } },
        'admin@example.com turned on the policy "Mail apps must use app passwords" from 192.0.2.7',
      ],
    ];
    for (const [values, sentence] of cases) expect(auditSentence(event(values))).toBe(sentence);
  });
});

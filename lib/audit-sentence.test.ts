import { describe, expect, it } from 'vitest';
import { AUDIT_EVENT_KINDS, auditDetailFacts, entryInfoChanges, auditEventLabel, auditEventOptions, auditSentence, type AuditSentenceInput } from './audit-sentence';

const event = (values: Partial<AuditSentenceInput>): AuditSentenceInput => ({
  event: 'login_succeeded',
  mailboxEmail: 'carol@example.com',
  actorKind: 'admin',
  actorEmail: 'admin@example.com',
  clientIp: null,
  protocol: null,
  detail: null,
  ...values,
});

describe('auditSentence', () => {
  it('words each known kind as one sentence', () => {
    const cases: [Partial<AuditSentenceInput>, string][] = [
      [{ event: 'require_reset_password_changed', detail: { old: false, new: true } }, 'admin@example.com forced a password change for carol@example.com'],
      [{ event: 'require_reset_password_changed', detail: { old: true, new: false } }, 'admin@example.com cancelled the pending password change for carol@example.com'],
      [{ event: 'login_failed', actorKind: 'mailbox', actorEmail: null, mailboxEmail: 'bob@example.com', clientIp: '192.0.2.7', protocol: 'web', detail: { reason: 'network_not_allowed' } }, 'Sign-in refused for bob@example.com from 192.0.2.7: network not allowed'],
      [{ event: 'login_failed', actorKind: 'mailbox', clientIp: '192.0.2.7', protocol: 'imap', detail: { reason: 'bad_password' } }, 'Sign-in refused for carol@example.com from 192.0.2.7 over IMAP: wrong password'],
      [{ event: 'login_succeeded', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '::1', protocol: 'web' }, 'carol@example.com signed in from ::1'],
      [{ event: 'allow_nets_changed', detail: { old: null, new: '127.0.0.1,::1' } }, 'admin@example.com changed the allowed networks of carol@example.com from no restriction to 127.0.0.1, ::1'],
      [{ event: 'active_changed', detail: { old: true, new: false } }, 'admin@example.com deactivated carol@example.com'],
      [{ event: 'password_set_by_admin', detail: {} }, 'admin@example.com set a new password for carol@example.com'],
      [{ event: 'session_ended', actorKind: 'mailbox', actorEmail: null, clientIp: '198.51.100.7', detail: { reason: 'session_version' } }, 'Session of carol@example.com ended from 198.51.100.7: signed out by a password change or a forced change'],
      [{ event: 'bulk_changed', mailboxEmail: null, detail: { action: 'force_reset', target: { selected: 3 }, matched: 3, changed: 3 } }, 'admin@example.com forced a password change for 3 selected mailboxes: 3 changed'],
      [{ event: 'mailbox_created', actorKind: 'system', actorEmail: 'demo', detail: { allow_nets: null, require_reset_password: true, active: true } }, 'The demo setup created carol@example.com (allowed networks: no restriction; password change required at first sign-in)'],
      [{ event: 'admin_login_failed', mailboxEmail: null, actorKind: 'admin', actorEmail: null, clientIp: '192.0.2.9', detail: { admin: 'eve@example.com', reason: 'bad_password' } }, 'Admin sign-in refused for eve@example.com from 192.0.2.9: wrong password'],
      [{ event: 'passkey_added', mailboxEmail: null, clientIp: '192.0.2.9', detail: { admin: 'ann@example.com', passkey: 'Work laptop' } }, 'Admin ann@example.com added the passkey "Work laptop" from 192.0.2.9'],
      [{ event: 'passkey_renamed', mailboxEmail: null, detail: { admin: 'ann@example.com', passkey: 'Laptop', from: 'Work laptop' } }, 'Admin ann@example.com renamed the passkey "Work laptop" to "Laptop"'],
      [{ event: 'passkey_removed', mailboxEmail: null, detail: { admin: 'ann@example.com', passkey: 'Laptop' } }, 'Admin ann@example.com removed the passkey "Laptop"'],
      [{ event: 'admin_login_succeeded', mailboxEmail: null, clientIp: '192.0.2.9', detail: { admin: 'ann@example.com', method: 'passkey' } }, 'Admin ann@example.com signed in with a passkey from 192.0.2.9'],
      [{ event: 'admin_second_factor_failed', mailboxEmail: null, clientIp: '192.0.2.9', detail: { admin: 'ann@example.com', reason: 'passkey_unknown' } }, 'Passkey refused for admin ann@example.com from 192.0.2.9: not one of their own passkeys'],
      [{ event: 'second_factor_failed', actorKind: 'mailbox', actorEmail: null, clientIp: '192.0.2.9', protocol: 'web', detail: { reason: 'passkey_unknown' } }, 'Passkey refused for carol@example.com from 192.0.2.9: not one of their own passkeys'],
      [{ event: 'mailbox_passkey_added', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '192.0.2.9', detail: { passkey: 'Phone' } }, 'carol@example.com added the passkey "Phone" from 192.0.2.9'],
      [{ event: 'mailbox_passkey_removed', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '192.0.2.9', detail: { passkey: 'Phone' } }, 'carol@example.com removed the passkey "Phone" from 192.0.2.9'],
      [{ event: 'login_succeeded', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '192.0.2.9', protocol: 'web', detail: { method: 'passkey' } }, 'carol@example.com signed in with a passkey from 192.0.2.9'],
      [{ event: 'two_factor_enabled', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '192.0.2.9', detail: { method: 'passkey' } }, 'carol@example.com turned on two-factor with a passkey from 192.0.2.9; its other sessions and mail connections were ended'],
      [{ event: 'two_factor_disabled', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '192.0.2.9', detail: { method: 'totp', still_on: 'passkey' } }, 'carol@example.com turned off the authenticator app from 192.0.2.9; two-factor stays on with their passkeys'],
      [{ event: 'two_factor_reset', detail: { was_on: true, sessions_ended: 1, passkeys_removed: 2 } }, 'admin@example.com reset the two-factor of carol@example.com, removing 2 passkeys; its sessions were ended'],
      [{ event: 'api_keys_revoked', mailboxEmail: null, actorKind: 'cli', actorEmail: 'root', detail: { admin: 'ann@example.com', count: 2, reason: 'password_set' } }, 'Every API key of the admin ann@example.com was revoked (2 keys) when the operator set a new password, by The operator (root, command line)'],
      [{ event: 'recovery_codes_regenerated', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '192.0.2.9' }, 'carol@example.com got new recovery codes (the old ones no longer work) from 192.0.2.9'],
      [{ event: 'two_factor_change_refused', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '192.0.2.9', detail: { reason: 'bad_password', step: 'regenerate_recovery_codes' } }, 'Renewing recovery codes was refused for carol@example.com from 192.0.2.9: wrong password'],
      [{ event: 'two_factor_change_refused', actorKind: 'mailbox', actorEmail: 'carol@example.com', clientIp: '192.0.2.9', detail: { reason: 'bad_password' } }, 'Turning off two-factor was refused for carol@example.com from 192.0.2.9: wrong password'],
    ];
    for (const [values, sentence] of cases) expect(auditSentence(event(values))).toBe(sentence);
  });

  it('gives every known kind a sentence without a raw event name, even with missing details', () => {
    for (const kind of Object.keys(AUDIT_EVENT_KINDS)) {
      const text = auditSentence(event({ event: kind, detail: null }));
      expect(text).not.toContain(kind);
      expect(text).not.toMatch(/undefined|null|\[object/);
    }
  });

  it('still reads as a sentence for a kind it does not know (new code may add kinds)', () => {
    expect(auditSentence(event({ event: 'totp_enabled', clientIp: '192.0.2.1' }))).toBe('Totp enabled for carol@example.com, by admin@example.com from 192.0.2.1');
    expect(auditSentence(event({ event: 'admin.session_revoked', mailboxEmail: null, actorKind: 'cli', actorEmail: 'root' }))).toBe(
      'Admin session revoked, by The operator (root, command line)',
    );
    expect(auditEventLabel('totp_enabled')).toBe('Totp enabled');
    expect(auditEventLabel('login_failed')).toBe('Sign-in refused');
    expect(auditEventLabel('constructor')).toBe('Constructor');
  });

  it('offers every known kind in the filter, by human name', () => {
    const options = auditEventOptions();
    expect(options.map((o) => o.value).sort()).toEqual(Object.keys(AUDIT_EVENT_KINDS).sort());
    expect(options.every((o) => !o.label.includes('_'))).toBe(true);
  });

  it('lists details in words: no raw keys, booleans, JSON or epoch numbers', () => {
    const facts = (event: string, detail: Record<string, unknown>) => auditDetailFacts(event, detail).map((f) => ({ label: f.label, value: f.value }));
    expect(facts('login_failed', { reason: 'network_not_allowed', target: { selected: 3 }, allow_nets: null })).toEqual([
      { label: 'Reason', value: ['network not allowed'] },
      { label: 'Applied to', value: ['3 selected mailboxes'] },
      { label: 'Allowed networks', value: ['no restriction'] },
    ]);
    expect(facts('require_reset_password_changed', { old: false, new: true })).toEqual([
      { label: 'Forced password change, before', value: ['turned off'] },
      { label: 'Forced password change, after', value: ['turned on'] },
    ]);
    const at = Date.UTC(2026, 11, 10, 15, 0);
    expect(
      facts('allow_nets_changed', {
        old: '198.51.100.0/24',
        new: '198.51.100.0/24,198.51.100.7',
        old_meta: { '198.51.100.0/24': { label: 'Office' } },
        new_meta: { '198.51.100.0/24': { label: 'Head office' }, '198.51.100.7': { label: 'Hotel', expiresAt: at } },
      }),
    ).toEqual([
      { label: 'Allowed networks, before', value: ['198.51.100.0/24'] },
      { label: 'Allowed networks, after', value: ['198.51.100.0/24, 198.51.100.7'] },
      { label: 'Labels and expiry', value: ['198.51.100.0/24: ', 'label "Office" → "Head office"', '; ', '198.51.100.7: ', 'label "Hotel"', ', ', 'expires ', { at }] },
    ]);
    expect(facts('api_key_created', { admin: 'a@example.com', expires_at: '2026-12-31T00:00:00.000Z', repeated: 3 })).toEqual([
      { label: 'Admin', value: ['a@example.com'] },
      { label: 'Expires', value: [{ at: Date.UTC(2026, 11, 31) }] },
      { label: 'Times', value: ['3 times'] },
    ]);
    // Whatever an old or foreign row holds, nothing reads as JSON.
    const odd = auditDetailFacts('something_new', { nested: { a: [1, true], b: null }, flag: false, __proto__: 'x' } as Record<string, unknown>);
    expect(odd.map((f) => f.value.join('')).join(' ')).not.toMatch(/[{}"]/);
    // Keys and values that name Object.prototype members are words like any other.
    const proto = auditDetailFacts('allow_nets_mode_changed', JSON.parse('{"constructor":"toString","method":"constructor","reason":"__proto__","old":"constructor","new":"monitor"}'));
    expect(proto.every((f) => typeof f.label === 'string' && f.value.every((p) => typeof p === 'string' || typeof p.at === 'number'))).toBe(true);
    expect(proto.map((f) => `${f.label}: ${f.value.join('')}`)).toEqual([
      'Network list, before: constructor',
      'Network list, after: monitor only (records, does not refuse)',
      'Constructor: toString',
      'Method: constructor',
      'Reason:   proto  ',
    ]);
  });

  it('words what changed in labels and expiry, entry by entry', () => {
    const at = Date.UTC(2027, 0, 1, 9, 30);
    expect(entryInfoChanges({ 'a': { label: 'A', expiresAt: at } }, { 'a': {} }, 'a')).toEqual([['a: ', 'label removed', ', ', 'no longer expires']]);
    expect(entryInfoChanges(null, { 'b': { expiresAt: at } }, 'b')).toEqual([['b: ', 'expires ', { at }]]);
    expect(entryInfoChanges({ 'c': { label: 'same' } }, { 'c': { label: 'same' } }, 'c')).toEqual([]);
  });
});

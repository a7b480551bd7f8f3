import { describe, expect, it } from 'vitest';
import { formatDateTime } from '@/lib/time-format';
import type { NotificationBody } from './payload';
import { digestSummary, emailText, mailKickSummary, newNetworkSummary, notifyLocale, refusedBurstSummary, securitySummary, testSummary, userNewNetworkSummary, withHeldBack } from './wording';

const body = (over: Partial<NotificationBody> = {}): NotificationBody => ({
  id: '0b6c7f9e-0000-4000-8000-000000000001',
  type: 'sign_in.refused_burst',
  occurred_at: '2026-12-07T17:20:00.000Z',
  account: 'Example Ltd',
  mailbox: 'carol@example.com',
  address: '203.0.113.77',
  summary: 'S',
  audit_url: 'https://portal.example.com/admin/audit?mailbox=carol%40example.com',
  ...over,
});

describe('notification wording (spec §22: e-mails and webhook summaries in the reader\'s language)', () => {
  it('words a refused burst in English and German, with plurals, the protocol and the held-back count', () => {
    const burst = refusedBurstSummary({ mailbox: 'carol@example.com', count: 1_234, address: '203.0.113.77', protocol: 'imap' });
    expect(burst('en')).toBe('carol@example.com was refused 1,234 sign-ins within 15 minutes, the last from 203.0.113.77 over IMAP. Someone may be guessing its password.');
    expect(burst('de')).toBe('Für carol@example.com wurden 1.234 Anmeldungen innerhalb von 15 Minuten abgewiesen, die letzte von 203.0.113.77 über IMAP. Möglicherweise versucht jemand, das Passwort zu erraten.');
    const one = refusedBurstSummary({ mailbox: 'c@example.com', count: 1, address: null, protocol: 'api' });
    expect(one('en')).toBe('c@example.com was refused 1 sign-in within 15 minutes, the last from an unknown address over the API. Someone may be guessing its password.');
    expect(one('de')).toContain('wurde 1 Anmeldung innerhalb von 15 Minuten abgewiesen, die letzte von einer unbekannten Adresse über die API.');
    expect(withHeldBack(burst, 2)('en')).toMatch(/ 2 more alerts of this kind since the previous one were held back \(at most one per 15 minutes\)\.$/);
    expect(withHeldBack(burst, 1)('de')).toMatch(/ 1 weitere Benachrichtigung dieser Art seit der vorigen wurde zurückgehalten \(höchstens eine pro 15 Minuten\)\.$/);
    expect(withHeldBack(burst, 0)).toBe(burst);
  });

  it('words new networks (for admins and for the user), disconnects, the digest and security changes in both languages', () => {
    const network = newNetworkSummary({ mailbox: 'a@example.com', address: '198.51.100.21', network: '198.51.100.0/24', protocol: 'web' });
    expect(network('en')).toBe('a@example.com signed in from 198.51.100.21, a network (198.51.100.0/24) it has not signed in from in the last 90 days.');
    expect(network('de')).toBe('a@example.com hat sich von 198.51.100.21 angemeldet, aus einem Netzwerk (198.51.100.0/24), aus dem in den letzten 90 Tagen keine Anmeldung an diesem Postfach kam.');
    const user = userNewNetworkSummary({ mailbox: 'a@example.com', address: '2001:db8::5', protocol: 'imap' });
    expect(user('en')).toBe('Your mailbox a@example.com was signed in to from 2001:db8::5 over IMAP, a network it has not been used from in the last 90 days.');
    expect(user('de')).toBe('An Ihrem Postfach a@example.com hat sich jemand von 2001:db8::5 über IMAP angemeldet, aus einem Netzwerk, aus dem es in den letzten 90 Tagen nicht genutzt wurde.');

    const kick = mailKickSummary({ mailbox: 'a@example.com', reason: 'forced_change', error: 'connection refused' });
    expect(kick('en')).toContain('should have been ended 10 minutes ago (a password change was forced), but the mail server has not confirmed it (the last error: connection refused).');
    expect(kick('de')).toContain('hätten vor 10 Minuten beendet werden sollen (eine Passwortänderung wurde erzwungen), aber der Mailserver hat es nicht bestätigt (letzter Fehler: connection refused).');
    // A reason this file does not know is shown as its code rather than dropped.
    expect(mailKickSummary({ mailbox: 'a@example.com', reason: 'new_reason', error: null })('de')).toContain('(new_reason), aber der Mailserver hat es nicht bestätigt.');

    const list = Array.from({ length: 11 }, (_, i) => ({ mailbox: `m${i}@example.com`, count: 1_000 - i }));
    const digest = digestSummary(list);
    expect(digest('en')).toMatch(/^In the last day, lists in monitor mode would have refused 10,945 sign-ins or requests of 11 mailboxes: m0@example\.com \(1,000\), m1@example\.com \(999\), .*m9@example\.com \(991\), …\. Nothing was refused/);
    expect(digest('de')).toMatch(/^Am letzten Tag hätten Listen im Beobachtungsmodus 10\.945 Anmeldungen oder Anfragen von 11 Postfächern abgewiesen: m0@example\.com \(1\.000\), /);
    expect(digestSummary([{ mailbox: null, count: 1 }])('en')).toContain('1 sign-in or request of 1 mailbox: a mailbox (1).');

    const key = securitySummary({ event: 'api_key_created', actor: { kind: 'admin', email: 'root@example.com' }, address: '192.0.2.1', detail: { admin: 'root@example.com', key: 'ci' } });
    expect(key('en')).toBe('Admin root@example.com created the API key "ci" from 192.0.2.1.');
    expect(key('de')).toBe('Administrator root@example.com hat von 192.0.2.1 aus den API-Schlüssel „ci“ erstellt.');
    const policy = securitySummary({ event: 'account_two_factor_policy_changed', actor: { kind: 'cli', email: null }, address: null, detail: { required: true } });
    expect(policy('en')).toBe('The operator (command line) now requires two-factor for every admin of the account.');
    expect(policy('de')).toBe('Der Betreiber (Kommandozeile) hat festgelegt, dass alle Administratoren des Kontos Zwei-Faktor-Authentifizierung verwenden müssen.');
    expect(securitySummary({ event: 'account_policy_changed', actor: { kind: 'api', email: 'ops@example.com' }, address: null, detail: { policy: 'require_app_passwords' } })('de')).toBe(
      'ops@example.com (API) hat die Richtlinie „Mail-Apps müssen App-Passwörter verwenden“ geändert.',
    );
    expect(testSummary('root@example.com')('de')).toBe('Eine Testbenachrichtigung von Portcullis, gesendet von root@example.com. Wenn Sie dies lesen, erreichen Benachrichtigungen dieses Ziel.');
  });

  it('writes the e-mails in the recipient\'s language, the event named from the catalogue and the time by the one formatter', () => {
    const en = emailText(body({ summary: 'Summary.' }), 'admin', 'en');
    expect(en.subject).toBe('[Portcullis] Many refused sign-ins for one mailbox: carol@example.com');
    expect(en.text).toBe(`Summary.\n\nSee the audit log: https://portal.example.com/admin/audit?mailbox=carol%40example.com\n\nEvent 0b6c7f9e-0000-4000-8000-000000000001 (sign_in.refused_burst) at ${formatDateTime('2026-12-07T17:20:00.000Z', { locale: 'en', timeZone: 'UTC' })} UTC.\n`);
    const de = emailText(body({ summary: 'Zusammenfassung.', type: 'admin.security_changed', mailbox: null }), 'admin', 'de');
    expect(de.subject).toBe('[Portcullis] Sicherheitsänderungen durch Administratoren (Zwei-Faktor-Authentifizierung ausgeschaltet, Administrator hinzugefügt oder deaktiviert, API-Schlüssel erstellt, Richtlinie geändert): Example Ltd');
    expect(de.text).toContain('Zusammenfassung.\n\nZum Prüfprotokoll: https://portal.example.com/');
    expect(de.text).toContain(`(admin.security_changed) am ${formatDateTime('2026-12-07T17:20:00.000Z', { locale: 'de', timeZone: 'UTC' })} UTC.`);
    expect(de.text).toContain('07.12.2026');
    expect(emailText(body({ type: 'test' }), 'admin', 'de').subject).toBe('[Portcullis] Test: carol@example.com');
    const notice = emailText(body({ summary: 'Ihr Postfach …' }), 'user', 'de');
    expect(notice.subject).toBe('Anmeldung an Ihrem Postfach aus einem neuen Netzwerk');
    expect(notice.text).toMatch(/^Ihr Postfach …\n\nWenn Sie das waren, ist nichts zu tun\..*„Mich per E-Mail über Anmeldungen aus neuen Netzwerken benachrichtigen“/s);
    expect(emailText(body(), 'user', 'en').subject).toBe('Sign-in to your mailbox from a new network');
  });

  it('reads a stored language as one of ours, anything else as English', () => {
    expect(['de', 'en', 'fr', null, undefined, '__proto__', 7].map(notifyLocale)).toEqual(['de', 'en', 'en', 'en', 'en', 'en', 'en']);
  });
});

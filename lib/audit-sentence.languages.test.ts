import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '@/lib/i18n/messages/en.json';
import de from '@/lib/i18n/messages/de.json';
import { AUDIT_EVENT_KINDS, auditDetailFacts, auditEventLabel, auditEventOptions, auditSentence, auditSentenceParts, entryInfoChanges, type AuditSentenceInput } from './audit-sentence';

/**
 * The audit log in German (spec §22): every event the code writes has a name and a sentence in both
 * catalogues, and the German one is German, not the English one again.
 */

const ROOT = path.resolve(__dirname, '..');

function sources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push({ file, text: readFileSync(file, 'utf8') });
    }
  };
  walk(path.join(ROOT, 'lib'));
  walk(path.join(ROOT, 'app'));
  return out;
}

/**
 * Every audit event name the code writes, read from the source: `event: 'name'` (also in a condition or a
 * type), the values of `CHANGE_EVENTS` (lib/mailboxes/service.ts), `*_EVENT = 'name'` constants, and the
 * `admin_${event}` form of lib/second-factor/verify.ts.
 */
function writtenEventNames(): Set<string> {
  const names = new Set<string>();
  const literals = (text: string) => [...text.matchAll(/'([a-z][a-z0-9]*(?:_[a-z0-9]+)+|logout)'/g)].map((m) => m[1]!);
  for (const { file, text } of sources()) {
    if (file.endsWith(path.join('lib', 'audit-sentence.ts'))) continue;
    const found: string[] = [];
    for (const m of text.matchAll(/\bevent:\s*([^,}\n]+)/g)) found.push(...literals(m[1]!));
    for (const m of text.matchAll(/\b[A-Z_]*_EVENT\s*=\s*'(\w+)'/g)) found.push(m[1]!);
    const changeEvents = /const CHANGE_EVENTS[^=]*=\s*\{([\s\S]*?)\};/.exec(text);
    if (changeEvents) found.push(...literals(changeEvents[1]!));
    for (const name of found) names.add(name);
    if (text.includes('`admin_${event}`')) for (const name of found) names.add(`admin_${name}`);
  }
  return names;
}

const input = (values: Partial<AuditSentenceInput>): AuditSentenceInput => ({
  event: 'login_succeeded',
  mailboxEmail: 'carol@example.com',
  actorKind: 'admin',
  actorEmail: 'ann@example.com',
  clientIp: '192.0.2.7',
  protocol: 'imap',
  detail: null,
  ...values,
});

/** Details that reach the branches of the sentences (each kind reads the fields it knows). */
const DETAILS: (Record<string, unknown> | null)[] = [
  null,
  { reason: 'bad_password', method: 'passkey', admin: 'bo@example.com', old: '192.0.2.0/24', new: '198.51.100.7', count: 2, remaining: 1, result: 'sent', channel: 'api', required: true, forced: true, was_on: false },
  { reason: 'throttled', method: 'totp', step: 'regenerate_recovery_codes', old: true, new: false, policy: 'password_max_age_days', max_age_days: 90, result: 'failed', error: 'timeout', backend: 'dovecot' },
  { reason: 'list', new: 'monitor', kind: 'request', policy: 'require_two_factor', result: 'none_open', expires_at: '2027-01-31T00:00:00.000Z', allow_nets: '192.0.2.0/24', label: 'iPhone', key: 'deploy', protocols: ['imap', 'smtp'] },
  { action: 'add_nets', target: { selected: 3 }, matched: 3, changed: 2, allow_nets_added: '192.0.2.9', name: 'office', new_name: 'hq', new_network: true, kind: 'email', target_text: 'x', events: 'sign_in.new_network' },
  { reason: 'forced', method: 'recovery_code', channel: 'web', result: 'sent', new: true, kind: 'sign_in' },
  { action: 'replace_nets', matched: 12, changed: 12, allow_nets: '192.0.2.0/24', reason: 'session_idle', auditRows: 1200, days: 90, attempts: 5, type: 'sign_in.new_network' },
];

// Words that show a German sentence still holds English (values in DETAILS avoid them).
const ENGLISH_WORDS = /\b(?:the|from|for|of|with|signed|changed|refused|was|were|by|and|turned|created|deleted|added|removed|expired|password|mailbox|network|networks|sessions?|unknown|none)\b/i;

describe('audit events in every language', () => {
  it('names every event the code writes (the scan finds them)', () => {
    const written = writtenEventNames();
    // The scan itself works: events written in several ways are found.
    for (const name of ['login_failed', 'allow_nets_mode_changed', 'would_refuse', 'admin_second_factor_failed', 'admin_reactivated', 'netset_created', 'audit_pruned']) expect(written).toContain(name);
    expect([...written].filter((name) => !Object.hasOwn(AUDIT_EVENT_KINDS, name)).sort()).toEqual([]);
  });

  it('has a German name for every event kind, different from the English one', () => {
    for (const kind of Object.keys(AUDIT_EVENT_KINDS)) {
      expect(Object.hasOwn(en.AuditEventNames, kind), `English name of ${kind}`).toBe(true);
      expect(Object.hasOwn(de.AuditEventNames, kind), `German name of ${kind}`).toBe(true);
      expect(auditEventLabel(kind, 'de'), kind).not.toBe(auditEventLabel(kind, 'en'));
    }
  });

  it('has a German sentence for every event kind, different from the English one and without English words', () => {
    for (const kind of Object.keys(AUDIT_EVENT_KINDS)) {
      for (const detail of DETAILS) {
        for (const actorKind of ['admin', 'cli', 'system']) {
          const e = input({ event: kind, detail, actorKind, actorEmail: actorKind === 'admin' ? 'ann@example.com' : null });
          const [english, german] = [auditSentence(e, 'en'), auditSentence(e, 'de')];
          const about = `${kind} ${JSON.stringify(detail)} ${actorKind}`;
          expect(german, about).not.toBe(english);
          expect(german, about).not.toMatch(ENGLISH_WORDS);
          expect(german, about).not.toMatch(/undefined|null|\[object|\{|\}/);
          expect(german, about).not.toContain(kind);
        }
      }
    }
  });

  it('writes German sentences in German word order, with the values in their places', () => {
    const de_ = (values: Partial<AuditSentenceInput>) => auditSentence(input(values), 'de');
    expect(de_({ event: 'login_failed', protocol: 'web', detail: { reason: 'network_not_allowed' } })).toBe('Anmeldung für carol@example.com von 192.0.2.7 aus abgewiesen: Netzwerk nicht erlaubt');
    expect(de_({ event: 'login_succeeded', detail: { method: 'passkey' } })).toBe('carol@example.com hat sich mit einem Passkey von 192.0.2.7 aus über IMAP angemeldet');
    expect(de_({ event: 'require_reset_password_changed', clientIp: null, detail: { old: false, new: true } })).toBe('ann@example.com hat für carol@example.com eine Passwortänderung erzwungen');
    expect(de_({ event: 'allow_nets_changed', detail: { old: null, new: '127.0.0.1,::1' } })).toBe('ann@example.com hat die erlaubten Netzwerke für carol@example.com von keine Einschränkung auf 127.0.0.1, ::1 geändert');
    expect(de_({ event: 'bulk_changed', mailboxEmail: null, detail: { action: 'force_reset', target: { selected: 3 }, matched: 3, changed: 3 } })).toBe(
      'ann@example.com hat bei 3 ausgewählten Postfächern eine Passwortänderung erzwungen: 3 geändert',
    );
    expect(de_({ event: 'api_keys_revoked', mailboxEmail: null, actorKind: 'cli', actorEmail: 'root', detail: { admin: 'bo@example.com', count: 1, reason: 'password_set' } })).toBe(
      'Der Betreiber (root, Kommandozeile) hat alle API-Schlüssel des Admins bo@example.com widerrufen (1 Schlüssel), weil der Betreiber ein neues Passwort festgelegt hat',
    );
    // Numbers in the reader's format.
    expect(de_({ event: 'audit_pruned', actorKind: 'system', actorEmail: null, detail: { auditRows: 12345, days: 90 } })).toBe('Das System hat 12.345 Protokolleinträge gelöscht, die älter als 90 Tage waren');
    // A kind this version does not know still reads as a German sentence around its name.
    expect(de_({ event: 'totp_enabled', protocol: null })).toBe('Totp enabled für carol@example.com, durch ann@example.com von 192.0.2.7 aus');
  });

  it('keeps an expiry as an instant for the page, and as its UTC date in text', () => {
    const e = input({ event: 'api_key_created', mailboxEmail: null, clientIp: null, detail: { admin: 'ann@example.com', key: 'deploy', expires_at: '2027-01-31T00:00:00.000Z' } });
    expect(auditSentenceParts(e, 'de')).toEqual(['Admin ann@example.com hat den API-Schlüssel „deploy“ angelegt (gültig bis ', { at: Date.UTC(2027, 0, 31) }, ')']);
    expect(auditSentence(e)).toBe('Admin ann@example.com created the API key "deploy" (expires 2027-01-31)');
  });

  it('stays English without a language (CSV, CLI, notifications)', () => {
    for (const kind of Object.keys(AUDIT_EVENT_KINDS)) {
      for (const detail of DETAILS) {
        const e = input({ event: kind, detail });
        expect(auditSentence(e)).toBe(auditSentence(e, 'en'));
      }
    }
  });

  it('offers the event filter in German, sorted as German sorts', () => {
    const options = auditEventOptions('de');
    expect(options.map((o) => o.value).sort()).toEqual(Object.keys(AUDIT_EVENT_KINDS).sort());
    expect(options.map((o) => o.label)).toEqual([...options.map((o) => o.label)].sort((a, b) => a.localeCompare(b, 'de')));
    expect(options.find((o) => o.value === 'login_failed')?.label).toBe('Anmeldung abgewiesen');
  });

  it('words the details in German: labels, values, labels and expiry of entries', () => {
    const at = Date.UTC(2026, 11, 10, 15, 0);
    const facts = (event: string, detail: Record<string, unknown>) => auditDetailFacts(event, detail, 'de').map((f) => ({ label: f.label, value: f.value }));
    expect(facts('login_failed', { reason: 'network_not_allowed', allow_nets: null, repeated: 3, channel: 'web', method: 'totp' })).toEqual([
      { label: 'Grund', value: ['Netzwerk nicht erlaubt'] },
      { label: 'Erlaubte Netzwerke', value: ['keine Einschränkung'] },
      { label: 'Wie oft', value: ['3 Mal'] },
      { label: 'Sitzung', value: ['Web'] },
      { label: 'Verfahren', value: ['ein Code aus der Authenticator-App'] },
    ]);
    expect(facts('require_reset_password_changed', { old: false, new: true })).toEqual([
      { label: 'Erzwungene Passwortänderung, vorher', value: ['ausgeschaltet'] },
      { label: 'Erzwungene Passwortänderung, nachher', value: ['eingeschaltet'] },
    ]);
    expect(facts('allow_nets_changed', { old: '198.51.100.0/24', new: '198.51.100.0/24,198.51.100.7', old_meta: { '198.51.100.0/24': { label: 'Büro' } }, new_meta: { '198.51.100.0/24': { label: 'Zentrale' }, '198.51.100.7': { label: 'Hotel', expiresAt: at } } })).toEqual([
      { label: 'Erlaubte Netzwerke, vorher', value: ['198.51.100.0/24'] },
      { label: 'Erlaubte Netzwerke, nachher', value: ['198.51.100.0/24, 198.51.100.7'] },
      { label: 'Bezeichnungen und Ablauf', value: ['198.51.100.0/24: ', 'Bezeichnung „Büro“ → „Zentrale“', '; ', '198.51.100.7: ', 'Bezeichnung „Hotel“', ', ', 'läuft ab am ', { at }] },
    ]);
    expect(facts('bulk_changed', { action: 'cancel_reset', skipped_unrestricted: 0, flag: true, nothing: null })).toEqual([
      { label: 'Änderung', value: ['Ausstehende Passwortänderung zurücknehmen'] },
      { label: 'Ohne Einschränkung belassen', value: ['0'] },
      { label: 'Flag', value: ['eingeschaltet'] },
      { label: 'Nothing', value: ['keine Angabe'] },
    ]);
    expect(entryInfoChanges({ a: { label: 'A', expiresAt: at } }, { a: {} }, 'a', 'de')).toEqual([['a: ', 'Bezeichnung entfernt', ', ', 'läuft nicht mehr ab']]);
  });

  it('labels every detail field the code records, in German', () => {
    // Field names of the `detail: { … }` objects written with audit events (one level), plus the repetition's.
    const keys = new Set<string>(['repeated', 'last_at']);
    for (const { text } of sources()) for (const m of text.matchAll(/\bdetail: \{([^{}]*)\}/g)) for (const k of m[1]!.matchAll(/(?<![a-z_])([a-z_]+):/gi)) keys.add(k[1]!);
    for (const ignored of ['old', 'new', 'old_meta', 'new_meta', 'allow_nets_meta', 'selected']) keys.delete(ignored);
    expect(keys.size).toBeGreaterThan(30);
    const detail = Object.fromEntries([...keys].map((k) => [k, 'x']));
    const [english, german] = [auditDetailFacts('some_event', detail, 'en'), auditDetailFacts('some_event', detail, 'de')];
    const humanized = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');
    expect(german.filter((f) => f.label === humanized(f.key)).map((f) => f.key)).toEqual(german.filter((f) => ['admin', 'name', 'domain', 'passkey'].includes(f.key)).map((f) => f.key));
    expect(english.filter((f, i) => f.label === german[i]!.label && !['admin', 'name', 'domain', 'passkey'].includes(f.key)).map((f) => f.key)).toEqual([]);
  });

  it('gives every detail label a German word (only words German shares with English stay the same)', () => {
    const same = new Set(['Admin', 'Passkey', 'Name', 'Domain']);
    for (const [key, english] of Object.entries(en.AuditDetails)) {
      const german = de.AuditDetails[key as keyof typeof de.AuditDetails];
      if (!same.has(english)) expect(german, key).not.toBe(english);
    }
    for (const [key, english] of Object.entries(en.AuditReasons)) expect(de.AuditReasons[key as keyof typeof de.AuditReasons], key).not.toBe(english);
  });
});

import { describe, expect, it } from 'vitest';
import type { BulkActionKind } from '@/lib/mailboxes/bulk';
import { bulkQuestion, bulkSummary, describeChange } from './labels';

// The English wording before the catalogues, kept here as the reference: English must not change a word.
const mailboxCount = (n: number) => `${n.toLocaleString('en-US')} mailbox${n === 1 ? '' : 'es'}`;
const ENGLISH: Record<BulkActionKind, (n: string, nets: string) => string> = {
  replace_nets: (n, nets) => `Replace the allowed networks of ${n} with ${nets}? Open sessions from other addresses end at their next request.`,
  add_nets: (n, nets) => `Add ${nets} to the allowed networks of ${n}? Mailboxes without a restriction stay unrestricted.`,
  remove_restriction: (n) => `Remove the network restriction of ${n}? They can then sign in from any network.`,
  force_reset: (n) => `Force a password change at the next login for ${n}? Their open sessions end at once.`,
  cancel_reset: (n) => `Cancel the pending password change of ${n}?`,
  mode_monitor: (n) => `Switch ${n} to monitor mode? Their lists are then only evaluated: sign-ins they would refuse go through and are recorded.`,
  mode_enforce: (n) => `Switch ${n} to enforce mode? Their lists then refuse sign-ins and end open sessions from other networks at their next request.`,
};

describe('the bulk change in the reader\'s language', () => {
  it('asks and answers in English word for word as before', () => {
    for (const [action, text] of Object.entries(ENGLISH) as [BulkActionKind, (n: string, nets: string) => string][]) {
      for (const count of [1, 2, 1234]) expect(bulkQuestion(action, '198.51.100.0/24', count, 'en')).toBe(text(mailboxCount(count), '198.51.100.0/24'));
    }
    expect(bulkSummary({ changed: 1, unchanged: 0, skippedUnrestricted: 0 }, 'en')).toBe('Done: 1 mailbox changed.');
    expect(bulkSummary({ changed: 2, unchanged: 1, skippedUnrestricted: 1234 }, 'en')).toBe(
      'Done: 2 mailboxes changed, 1 mailbox already as requested, 1,234 mailboxes without a restriction left unrestricted.',
    );
  });

  it('asks and answers in German, counts and networks included', () => {
    expect(bulkQuestion('replace_nets', '198.51.100.0/24', 1, 'de')).toBe(
      'Die erlaubten Netzwerke von 1 Postfach durch 198.51.100.0/24 ersetzen? Offene Sitzungen von anderen Adressen enden bei ihrer nächsten Anfrage.',
    );
    expect(bulkQuestion('force_reset', null, 1234, 'de')).toBe('Für 1.234 Postfächer bei der nächsten Anmeldung eine Passwortänderung erzwingen? Offene Sitzungen enden sofort.');
    expect(bulkSummary({ changed: 2, unchanged: 1, skippedUnrestricted: 3 }, 'de')).toBe(
      'Erledigt: 2 Postfächer geändert, 1 Postfach war bereits wie gewünscht, 3 Postfächer ohne Einschränkung blieben uneingeschränkt.',
    );
    for (const action of Object.keys(ENGLISH) as BulkActionKind[]) expect(bulkQuestion(action, '192.0.2.1', 2, 'de')).not.toMatch(/\b(the|mailbox|mailboxes|Switch)\b/);
  });
});

describe('"Saved: …" lines in the reader\'s language', () => {
  const text = (change: Parameters<typeof describeChange>[0], locale: 'en' | 'de') => describeChange(change, locale).map((p) => p.join(''));
  it('keeps English word for word', () => {
    expect(text({ field: 'allow_nets', old: null, new: '198.51.100.0/24' }, 'en')).toEqual(['Allowed networks: no restriction → 198.51.100.0/24']);
    expect(text({ field: 'allow_nets_mode', old: 'enforce', new: 'monitor' }, 'en')).toEqual(['Network list mode: enforce → monitor (refusals are only recorded, not enforced)']);
    expect(text({ field: 'allow_nets_mode', old: 'monitor', new: 'enforce' }, 'en')).toEqual(['Network list mode: monitor → enforce']);
    expect(text({ field: 'require_reset_password', old: false, new: true }, 'en')).toEqual(['Force password change at next login: off → on (open sessions were ended)']);
    expect(text({ field: 'require_reset_password', old: true, new: false }, 'en')).toEqual(['Force password change at next login: on → off']);
    expect(text({ field: 'active', old: true, new: false }, 'en')).toEqual(['Active: yes → no (open sessions were ended)']);
    expect(text({ field: 'active', old: false, new: true }, 'en')).toEqual(['Active: no → yes']);
    expect(text({ field: 'memo' }, 'en')).toEqual(['Memo updated']);
    expect(text({ field: 'password' }, 'en')).toEqual(['New password set (open sessions were ended)']);
  });
  it('says each setting in German', () => {
    expect(text({ field: 'allow_nets', old: '192.0.2.0/24', new: null }, 'de')).toEqual(['Erlaubte Netzwerke: 192.0.2.0/24 → keine Einschränkung']);
    expect(text({ field: 'allow_nets_mode', old: 'enforce', new: 'monitor' }, 'de')).toEqual(['Modus der Netzwerkliste: Durchsetzen → Beobachten (Abweisungen werden nur festgehalten, nicht durchgesetzt)']);
    expect(text({ field: 'require_reset_password', old: false, new: true }, 'de')).toEqual(['Passwortänderung bei der nächsten Anmeldung erzwingen: aus → an (offene Sitzungen wurden beendet)']);
    expect(text({ field: 'active', old: true, new: false }, 'de')).toEqual(['Aktiv: ja → nein (offene Sitzungen wurden beendet)']);
    expect(text({ field: 'memo' }, 'de')).toEqual(['Notiz geändert']);
    expect(text({ field: 'password' }, 'de')).toEqual(['Neues Passwort festgelegt (offene Sitzungen wurden beendet)']);
  });
  it("says a network's label line in the reader's language too", () => {
    const change = { field: 'allow_nets' as const, old: '198.51.100.0/24', new: '198.51.100.0/24', oldMeta: null, newMeta: { '198.51.100.0/24': { label: 'Branch office' } } };
    expect(text(change, 'en')).toEqual(['Allowed networks, 198.51.100.0/24: label "Branch office"']);
    expect(text(change, 'de')).toEqual(['Erlaubte Netzwerke, 198.51.100.0/24: Bezeichnung „Branch office“']);
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES, parseAllowNets, type EntryError, type EntryWarning, type SetReferences } from '@/lib/net/allowlist';
import { parseEntries, parseExpiry, type EntryInput } from '@/lib/net/allowlist-entries';
import { ENTRY_ERROR_CODES, ENTRY_WARNING_CODES, entryError, SPECIAL_RANGE_NAMES } from '@/lib/net/allowlist-problems';
import { createTranslator } from 'next-intl';
import { describeEntryErrors, entryErrorText as errorIn, entryWarningText as warningIn, type ProblemWords } from './allowlist-problems';
import { catalogue } from './catalogues';
import type { Locale } from './locales';

const words = (locale: Locale): ProblemWords => createTranslator({ locale, messages: catalogue(locale), namespace: 'AllowlistProblems' });
const entryErrorText = (e: EntryError, locale: Locale) => errorIn(e, words(locale));
const entryWarningText = (w: EntryWarning, locale: Locale) => warningIn(w, words(locale));

function listErrors(input: unknown, references: SetReferences = 'none'): EntryError[] {
  const parsed = parseAllowNets(input as string, { references });
  if (parsed.ok) throw new Error(`expected ${String(input).slice(0, 40)} to be refused`);
  return parsed.errors;
}

function rowErrors(rows: unknown): EntryError[] {
  const parsed = parseEntries(rows as EntryInput[], 'any');
  if (parsed.ok) throw new Error('expected the rows to be refused');
  return parsed.errors;
}

const distinct = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => `10.${i >> 8}.${i & 255}.1`).join(',');
const expiry = parseExpiry('tomorrow', '198.51.100.7');

// Every error the parser, the rows and the services make, each from an input that makes it.
const ERRORS: EntryError[] = [
  ...listErrors('10.0.0.0/8/8'),
  ...listErrors('10.0.0.0/'),
  ...listErrors('10.0.0.0/255.0.0.0'),
  ...listErrors('10.0.0.0/x'),
  ...listErrors('10.0.0.0/08'),
  ...listErrors('10.0.0.0/33'),
  ...listErrors('/24'),
  ...listErrors('fe80::1%eth0'),
  ...listErrors('[2001:db8::1]'),
  ...listErrors('192.0.2.1:80'),
  ...listErrors('2001:db8:::1'),
  ...listErrors('10.1'),
  ...listErrors('010.0.0.1'),
  ...listErrors('256.0.0.1'),
  ...listErrors('0x7f.0.0.1'),
  ...listErrors('branch'),
  ...listErrors('Office', new Set(['office'])),
  ...listErrors('::ffff:10.0.0.0/90'),
  ...listErrors('::10.0.0.1'),
  ...listErrors(42),
  ...listErrors('x'.repeat(70_000)),
  ...listErrors(distinct),
  ...listErrors('@office'),
  ...listErrors('@Bad_Name', 'any'),
  ...listErrors('@nope', new Set(['office'])),
  entryError('@office', 'set_in_set'),
  ...rowErrors('not rows'),
  ...rowErrors([{ net: '', label: 'Berlin' }]),
  ...rowErrors([{ net: 'x'.repeat(101) }]),
  ...rowErrors([{ net: '10.0.0.1 10.0.0.2' }]),
  ...rowErrors([{ net: '10.0.0.1', label: 5 }]),
  ...rowErrors([{ net: '10.0.0.1', label: 'x'.repeat(101) }]),
  ...rowErrors([{ net: '10.0.0.1', expiresAt: -1 }]),
  ...(expiry !== null && typeof expiry === 'object' ? [expiry.error] : []),
];

const WARNINGS: EntryWarning[] = ['10.1.2.3/8', '0.0.0.0/0', '::/0', '0.1.2.3', '100.64.0.1', '127.0.0.1', '169.254.1.1', '192.168.1.1', '224.0.0.1', '240.0.0.1', '::', '::1', 'fd00::1', 'fe80::1', 'ff02::1'].flatMap((net) => {
  const parsed = parseAllowNets(net);
  return parsed.warnings;
});

describe('allowlist problems worded by the page', () => {
  it('has an input above for every code, so each is checked below', () => {
    expect(new Set(ERRORS.map((e) => e.code))).toEqual(new Set(ENTRY_ERROR_CODES));
    expect(new Set(WARNINGS.map((w) => w.code))).toEqual(new Set(ENTRY_WARNING_CODES));
    expect(new Set(WARNINGS.map((w) => w.values.range).filter((r) => r !== undefined))).toEqual(new Set(Object.keys(SPECIAL_RANGE_NAMES)));
  });

  it("words every error and warning in English exactly as the parser's own text (what the API and the CLI say)", () => {
    for (const e of ERRORS) expect(entryErrorText(e, 'en')).toBe(e.reason);
    for (const w of WARNINGS) expect(entryWarningText(w, 'en')).toBe(w.message);
  });

  it('words every error and warning in German, with the values the parser found', () => {
    for (const e of ERRORS) {
      const de = entryErrorText(e, 'de');
      expect(de).not.toBe(e.reason);
      expect(de).not.toMatch(/[{}]|\b(the|must|is|are|not|write|allowed)\b/);
    }
    for (const w of WARNINGS) {
      const de = entryWarningText(w, 'de');
      expect(de).not.toBe(w.message);
      expect(de).not.toMatch(/[{}]|\b(the|range|address|every|only|never)\b/);
    }
    const de = (e: EntryError | undefined) => entryErrorText(e!, 'de');
    expect(de(ERRORS.find((e) => e.code === 'prefix_too_long'))).toBe('Die Präfixlänge muss zwischen 0 und 32 liegen');
    expect(de(ERRORS.find((e) => e.code === 'too_many_entries'))).toBe('Die Liste hat 1.001 Einträge, erlaubt sind höchstens 1.000 (fassen Sie Adressen zu Netzwerken zusammen)');
    expect(de(ERRORS.find((e) => e.suggestion === 'office'))).toBe('Keine IP-Adresse und kein Netzwerk. Meinten Sie @office?');
    expect(de(ERRORS.find((e) => e.code === 'unknown_set'))).toBe('Es gibt keine Netzwerkgruppe „@nope“');
    expect(entryWarningText(WARNINGS[0]!, 'de')).toBe('In „10.1.2.3/8“ sind Bits nach den ersten 8 gesetzt (Host-Bits); der Eintrag gilt deshalb für das ganze Netzwerk 10.0.0.0/8');
    expect(entryWarningText(WARNINGS.find((w) => w.values.range === 'loopback')!, 'de')).toMatch(/^Loopback-Bereich: Solche Adressen haben nur Geräte in Ihrem eigenen Netzwerk/);
  });

  it('lists many errors in one line in either language, cut after 20 like the English one', () => {
    const many = listErrors(Array.from({ length: 23 }, (_, i) => `bad-${i}`).join(','));
    expect(describeEntryErrors(many, words('en'))).toMatch(/^"bad-0": not an IP address or network; .*; and 3 more invalid entries$/);
    expect(describeEntryErrors(many, words('de'))).toMatch(/^"bad-0": Keine IP-Adresse und kein Netzwerk; .*; und 3 weitere ungültige Einträge$/);
    expect(describeEntryErrors(listErrors(42), words('de'))).toBe('Die Liste muss Text sein');
  });
});

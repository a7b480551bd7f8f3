import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { catalogue } from './catalogues';
import { LOCALES } from './locales';
import { messageFormatter } from './message-format';

// The namespaces worded through messageFormatter (lib/audit-sentence.ts).
const NAMESPACES = ['AuditSentences', 'AuditEventNames', 'AuditReasons', 'AuditWords', 'AuditDetails'] as const;

type Element = { type: number; value: string; options?: Record<string, { value: Element[] }> };

/** Each argument of a message with the values worth trying: every select branch, plural edges, or text. */
function argumentValues(elements: Element[], out = new Map<string, (string | number)[]>()): Map<string, (string | number)[]> {
  for (const e of elements) {
    if (e.type === 1) out.set(e.value, out.get(e.value) ?? ['text']);
    if (e.type === 2) out.set(e.value, [0, 1, 1234.5]);
    if (e.type === 5) out.set(e.value, [...Object.keys(e.options!), 'something_else']);
    if (e.type === 6) out.set(e.value, [0, 1, 2, 12345]);
    for (const option of Object.values(e.options ?? {})) argumentValues(option.value, out);
  }
  return out;
}

describe('messageFormatter', () => {
  it.each(LOCALES)('formats every message of the audit namespaces in %s exactly as intl-messageformat does', (locale) => {
    let checked = 0;
    for (const namespace of NAMESPACES) {
      const messages = catalogue(locale)[namespace] as Record<string, string>;
      const format = messageFormatter(locale, namespace);
      for (const [key, message] of Object.entries(messages)) {
        const reference = new IntlMessageFormat(message, locale);
        const args = argumentValues(reference.getAst() as unknown as Element[]);
        const base = Object.fromEntries([...args].map(([name, values]) => [name, values[0]!]));
        // One argument varied at a time, the others at their first value.
        const cases = [base, ...[...args].flatMap(([name, values]) => values.slice(1).map((v) => ({ ...base, [name]: v })))];
        for (const values of cases) {
          expect(format(key as never, values), `${namespace}.${key} ${JSON.stringify(values)}`).toBe(String(reference.format(values)));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('keeps object values (instants) as their own parts', () => {
    const format = messageFormatter('de', 'AuditWords');
    expect(format.parts('expiresAt', { at: { at: 5 } })).toEqual(['läuft ab am ', { at: 5 }]);
    expect(format('expiresAt', { at: { at: 0 } })).toBe('läuft ab am 1970-01-01T00:00:00.000Z');
  });

  it('refuses a missing value or key instead of guessing', () => {
    const format = messageFormatter('en', 'AuditWords');
    expect(() => format('from', {})).toThrow(/missing value for \{ip\}/);
    expect(() => format('constructor' as never)).toThrow(/no message/);
    // A select value naming an Object.prototype member takes the "other" branch.
    expect(format('protocol', { protocol: 'constructor' })).toBe('constructor');
  });
});

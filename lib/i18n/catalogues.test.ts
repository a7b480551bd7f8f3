import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from './catalogues';
import { DEFAULT_LOCALE, LOCALES } from './locales';

type Tree = { [key: string]: string | Tree };

/** "Login.title" -> value, for every leaf of a catalogue. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else for (const [k, v] of leaves(value, name)) out.set(k, v);
  }
  return out;
}

/** The names an ICU message uses: arguments ({count}, {count, plural, …}) and rich-text tags (<link>). */
function placeholders(message: string): string[] {
  const names = new Set<string>();
  // A plural or select branch (`one {mailbox}`) is text, not an argument.
  for (const m of message.matchAll(/(?<!(?:zero|one|two|few|many|other|=\d{1,4}) ?)\{\s*([A-Z_]\w*)\s*[,}]/gi)) names.add(`{${m[1]}}`);
  for (const m of message.matchAll(/<([A-Z_]\w*)>/gi)) names.add(`<${m[1]}>`);
  return [...names].sort();
}

const EN = leaves(catalogue(DEFAULT_LOCALE) as Tree);
const OTHERS = LOCALES.filter((l) => l !== DEFAULT_LOCALE);

describe.each(OTHERS)('the %s catalogue against the English one', (locale) => {
  const other = leaves(catalogue(locale) as Tree);
  it('has every English key', () => {
    expect([...EN.keys()].filter((k) => !other.has(k))).toEqual([]);
  });
  it('has no key that English lacks', () => {
    expect([...other.keys()].filter((k) => !EN.has(k))).toEqual([]);
  });
  it('has no empty message', () => {
    expect([...other].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
  });
  it('uses the same arguments and tags in each message', () => {
    const differing = [...EN].filter(([k, v]) => other.has(k) && placeholders(v).join() !== placeholders(other.get(k)!).join()).map(([k]) => k);
    expect(differing).toEqual([]);
  });
});

describe('the English catalogue', () => {
  it('has no empty message', () => {
    expect([...EN].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
  });
  it('every key is used by some component (a namespace and its key both appear in one source file)', () => {
    const root = path.resolve(__dirname, '../..');
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) sources.push(readFileSync(file, 'utf8'));
      }
    };
    walk(path.join(root, 'app'));
    walk(path.join(root, 'lib'));
    const unused = [...EN.keys()].filter((key) => {
      const dot = key.lastIndexOf('.');
      const [namespace, leaf] = [key.slice(0, dot), key.slice(dot + 1)];
      return !sources.some((s) => (s.includes(`'${namespace}'`) || s.includes(`.${namespace}.`)) && (s.includes(`'${leaf}'`) || s.includes(`.${leaf}`)));
    });
    expect(unused).toEqual([]);
  });
});

describe("the English texts of the channels without a language (lib/auth/messages.ts)", () => {
  it('are the English catalogue\'s, plurals included', async () => {
    const { createTranslator } = await import('next-intl');
    const { tooManyAttempts } = await import('@/lib/auth/messages');
    const t = createTranslator({ locale: 'en', messages: catalogue('en'), namespace: 'Auth' });
    for (const minutes of [1, 2, 15]) expect(tooManyAttempts(minutes)).toBe(t('tooManyAttempts', { minutes }));
    const de = createTranslator({ locale: 'de', messages: catalogue('de'), namespace: 'Auth' });
    expect(de('tooManyAttempts', { minutes: 1 })).toBe('Zu viele Versuche. Bitte versuchen Sie es in 1 Minute erneut.');
  });
});

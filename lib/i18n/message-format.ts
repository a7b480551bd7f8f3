// Browser-safe: plain formatting over the bundled catalogues.
import { IntlMessageFormat } from 'intl-messageformat';
import { catalogue, type Messages } from './catalogues';
import type { Locale } from './locales';

/**
 * Catalogue messages for hot paths: each message is parsed once (by the same ICU parser next-intl uses) and
 * then formatted by a small walk over its tree. Why not next-intl's `t()`: it builds a memo key from its
 * options on every call (about 50 µs a message on the shared test machine), and the audit log's CSV export
 * words millions of rows, several messages each. This walk knows the parts the audit namespaces use
 * (text, arguments, `number`, `select`, `plural` with `#`); a message using anything else is refused when it
 * is first formatted, and `message-format.test.ts` formats every message of those namespaces both ways.
 */

/** A value: text, a number, or any object (an instant `{ at }`), which comes back as its own part. */
export type MessageValue = string | number | { at: number };
export type MessageValues = Readonly<Record<string, MessageValue>>;
export type MessagePart = string | { at: number };

// The element kinds of the parser's tree (@formatjs/icu-messageformat-parser `TYPE`).
const LITERAL = 0;
const ARGUMENT = 1;
const NUMBER = 2;
const SELECT = 5;
const PLURAL = 6;
const POUND = 7;

interface Element {
  type: number;
  value: string;
  options?: Record<string, { value: Element[] }>;
  offset?: number;
  pluralType?: 'cardinal' | 'ordinal';
  style?: unknown;
}

// Intl objects are slow to build and immutable: one per language (a closed list), never stale.
const NUMBERS = new Map<string, Intl.NumberFormat>();
const PLURALS = new Map<string, Intl.PluralRules>();
const numberFormat = (locale: string) => NUMBERS.get(locale) ?? NUMBERS.set(locale, new Intl.NumberFormat(locale)).get(locale)!;
const pluralRules = (locale: string) => PLURALS.get(locale) ?? PLURALS.set(locale, new Intl.PluralRules(locale)).get(locale)!;

function valueOf(values: MessageValues, name: string): MessageValue {
  if (!Object.hasOwn(values, name)) throw new Error(`missing value for {${name}}`);
  return values[name]!;
}

function walk(elements: readonly Element[], values: MessageValues, locale: string, out: MessagePart[], pound: number | null): void {
  for (const e of elements) {
    switch (e.type) {
      case LITERAL:
        out.push(e.value);
        break;
      case ARGUMENT: {
        const v = valueOf(values, e.value);
        out.push(typeof v === 'object' ? v : String(v));
        break;
      }
      case NUMBER:
        if (e.style) throw new Error(`number style in {${e.value}} is not supported here`);
        out.push(numberFormat(locale).format(Number(valueOf(values, e.value))));
        break;
      case POUND:
        out.push(numberFormat(locale).format(pound ?? 0));
        break;
      case SELECT: {
        const options = e.options!;
        const v = String(valueOf(values, e.value));
        walk((Object.hasOwn(options, v) ? options[v] : options.other)!.value, values, locale, out, pound);
        break;
      }
      case PLURAL: {
        if (e.pluralType === 'ordinal') throw new Error(`ordinal plural in {${e.value}} is not supported here`);
        const options = e.options!;
        const n = Number(valueOf(values, e.value));
        const exact = `=${n}`;
        const rule = pluralRules(locale).select(n - (e.offset ?? 0));
        const chosen = Object.hasOwn(options, exact) ? options[exact] : Object.hasOwn(options, rule) ? options[rule] : options.other;
        walk(chosen!.value, values, locale, out, n - (e.offset ?? 0));
        break;
      }
      default:
        throw new Error(`ICU element of type ${e.type} is not supported here`);
    }
  }
}

/** Adjacent text joined: ["a", "b", {at}, "c"] -> ["ab", {at}, "c"]. */
function joined(parts: MessagePart[]): MessagePart[] {
  const out: MessagePart[] = [];
  for (const p of parts) {
    const last = out.length - 1;
    if (typeof p === 'string' && typeof out[last] === 'string') out[last] += p;
    else out.push(p);
  }
  return out;
}

export interface MessageFormatter<K extends string> {
  /** The message as text (instants, if any, as their ISO form). */
  (key: K, values?: MessageValues): string;
  /** The message as parts: text, and each object value as its own part. */
  parts(key: K, values?: MessageValues): MessagePart[];
}

type Namespace = { [N in keyof Messages]: Messages[N] extends Record<string, string> ? N : never }[keyof Messages];

/** The messages of one flat catalogue namespace in a language, each compiled on first use. */
export function messageFormatter<N extends Namespace>(locale: Locale, namespace: N): MessageFormatter<keyof Messages[N] & string> {
  const messages = catalogue(locale)[namespace] as Record<string, string>;
  const compiled = new Map<string, readonly Element[]>();
  const elements = (key: string): readonly Element[] => {
    let tree = compiled.get(key);
    if (!tree) {
      if (!Object.hasOwn(messages, key)) throw new Error(`no message ${namespace}.${key}`);
      tree = new IntlMessageFormat(messages[key]!, locale).getAst() as unknown as Element[];
      compiled.set(key, tree);
    }
    return tree;
  };
  const parts = (key: string, values: MessageValues = {}): MessagePart[] => {
    const out: MessagePart[] = [];
    walk(elements(key), values, locale, out, null);
    return joined(out);
  };
  const text = (key: string, values?: MessageValues): string =>
    parts(key, values)
      .map((p) => (typeof p === 'string' ? p : new Date(p.at).toISOString()))
      .join('');
  return Object.assign(text, { parts });
}

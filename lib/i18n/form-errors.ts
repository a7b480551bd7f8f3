// Browser-safe: plain formatting over the bundled catalogues.
import { createTranslator } from 'next-intl';
import { catalogue } from './catalogues';
import type { Locale } from './locales';

type FormErrorKey = keyof ReturnType<typeof catalogue>['FormErrors'];

/**
 * The schemas' messages that forms show (lib/mailboxes/schemas.ts, lib/audit-log.ts), each with its catalogue
 * key: the schemas stay English because the JSON-RPC API and the CLI answer with them too (a machine
 * contract); a page words them in its reader's language here. A number in the message is its value.
 */
const SCHEMA_MESSAGES: readonly [RegExp, FormErrorKey][] = [
  [/^Enter a new password\.$/, 'enterNewPassword'],
  [/^The two new passwords do not match\.$/, 'passwordsDiffer'],
  [/^must be a string$/, 'notText'],
  [/^must be at most ([\d,]+) bytes$/, 'atMostBytes'],
  [/^must be at most ([\d,]+) characters$/, 'atMostChars'],
  [/^must be a date like 2025-01-31$/, 'notADate'],
  [/^must not be before the start date$/, 'toBeforeFrom'],
];

/** A schema's message in a language; one that no form shows stays as it is. */
export function formErrorText(message: string, locale: Locale): string {
  const t = createTranslator({ locale, messages: catalogue(locale), namespace: 'FormErrors' });
  for (const [pattern, key] of SCHEMA_MESSAGES) {
    const m = pattern.exec(message);
    if (m) return t(key, { max: Number((m[1] ?? '0').replace(/,/g, '')) });
  }
  return message;
}

/** Every message of a form's field errors (zod's `flatten().fieldErrors`) in a language. */
export function formFieldErrors<K extends string>(fieldErrors: Partial<Record<K, string[] | undefined>>, locale: Locale): Partial<Record<K, string[]>> {
  // The keys are the schema's own field names, but an object built from entries never writes through a key.
  return Object.fromEntries(
    Object.entries(fieldErrors as Record<string, string[] | undefined>)
      .filter((e): e is [string, string[]] => Array.isArray(e[1]))
      .map(([key, messages]) => [key, messages.map((m) => formErrorText(m, locale))]),
  ) as Partial<Record<K, string[]>>;
}

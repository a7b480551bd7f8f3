// Browser-safe: plain formatting over the bundled catalogues.
import { createTranslator } from 'next-intl';
import { catalogue } from './catalogues';
import type { Locale } from './locales';

type FormErrorKey = keyof ReturnType<typeof catalogue>['FormErrors'];

/**
 * The schemas' messages that forms show (lib/mailboxes/schemas.ts, lib/audit-log.ts, and through
 * schemaRefusalText lib/admins/api-keys.ts and lib/notify/destinations.ts), each with its catalogue key: the
 * schemas stay English because the JSON-RPC API and the CLI answer with them too (a machine contract); a
 * page words them in its reader's language here. A number in the message is its value `max`, a list of
 * choices its value `list`.
 */
const SCHEMA_MESSAGES: readonly [RegExp, FormErrorKey][] = [
  [/^Enter a new password\.$/, 'enterNewPassword'],
  [/^The two new passwords do not match\.$/, 'passwordsDiffer'],
  [/^must be a string$/, 'notText'],
  [/^must be at most ([\d,]+) bytes$/, 'atMostBytes'],
  [/^must be at most ([\d,]+) characters$/, 'atMostChars'],
  [/^must be a date like 2025-01-31$/, 'notADate'],
  [/^must not be before the start date$/, 'toBeforeFrom'],
  [/^is required$/, 'required'],
  [/^must be at most ([\d,]+) KiB$/, 'atMostKiB'],
  [/^must be a date such as 2027-01-31$/, 'notAKeyDate'],
  [/^must be today or later$/, 'notBeforeToday'],
  [/^must be an address like name@example\.com$/, 'notAnAddress'],
  [/^must name at least one event type$/, 'noEvents'],
  [/^must be a list of event types$/, 'notEventList'],
  [/^must be "webhook" or "email"$/, 'notAKind'],
  [/^must be one of ([\w., -]{1,1000})$/, 'oneOf'],
];

/** A schema's message in a language, or null when no form shows it. */
function wordedSchemaMessage(message: string, locale: Locale): string | null {
  const t = createTranslator({ locale, messages: catalogue(locale), namespace: 'FormErrors' });
  for (const [pattern, key] of SCHEMA_MESSAGES) {
    const m = pattern.exec(message);
    if (!m) continue;
    const value = m[1] ?? '0';
    return key === 'oneOf' ? t(key, { list: value }) : t(key, { max: Number(value.replace(/,/g, '')) });
  }
  return null;
}

/** A schema's message in a language; one that no form shows stays as it is. */
export function formErrorText(message: string, locale: Locale): string {
  return wordedSchemaMessage(message, locale) ?? message;
}

/**
 * The fields of the services whose schema refusals reach a form as one line (lib/validation.ts's
 * parseOrThrow: "field: message", the field as the API spells it): the API-key form and the destination form.
 */
const FIELD_NAMES = new Map<string, FormErrorKey>([
  ['label', 'fieldLabel'],
  ['expires', 'fieldExpires'],
  ['allow_nets', 'fieldAllowNets'],
  ['kind', 'fieldKind'],
  ['url', 'fieldUrl'],
  ['to', 'fieldTo'],
  ['events', 'fieldEvents'],
  ['language', 'fieldLanguage'],
]);

/**
 * A service's schema refusal ("to: must be an address like name@example.com") in a language, the field named
 * as the form names it; null when the field or the message is not one a form shows (the caller keeps the
 * service's words).
 */
export function schemaRefusalText(field: string, message: string, locale: Locale): string | null {
  const fieldKey = FIELD_NAMES.get(field);
  const prefix = `${field}: `;
  if (!fieldKey || !message.startsWith(prefix)) return null;
  const worded = wordedSchemaMessage(message.slice(prefix.length), locale);
  if (worded === null) return null;
  const t = createTranslator({ locale, messages: catalogue(locale), namespace: 'FormErrors' });
  return t('fieldProblem', { field: t(fieldKey), problem: worded });
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

// Browser-safe: plain data. Both catalogues are bundled (they are small), so a language needs no loader.
import de from './messages/de.json';
import en from './messages/en.json';
import type { Locale } from './locales';

/** The English catalogue's shape: every other language has exactly these keys (catalogues.test.ts). */
export type Messages = typeof en;

const CATALOGUES: Record<Locale, Messages> = { en, de };

/** A language's messages. */
export function catalogue(locale: Locale): Messages {
  return CATALOGUES[locale];
}

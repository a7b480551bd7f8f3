// Browser-safe (no server-only): the request config, the language switch and the time components share it.

/**
 * The languages of the pages (spec §22). The first is the default: a browser that asks for none of them
 * reads English, which is also what every test without `Accept-Language` sees. Adding a language is one
 * entry here plus its catalogue in `messages/` (README: "Languages").
 */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language's name in itself: the switch shows these, so that a reader finds their own language. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

/** The cookie that remembers a choice made with the switch; it wins over `Accept-Language`. */
export const LOCALE_COOKIE = 'portcullis-lang';
export const LOCALE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

// A header longer than this is not a browser's; its tail is ignored rather than parsed.
const MAX_ACCEPT_LANGUAGE_CHARS = 1024;
const LANGUAGE_RANGE = /^([a-z]{1,8}|\*)(?:-[a-z0-9]{1,8})*$/;

/**
 * The languages an `Accept-Language` header asks for, most wanted first ("de-CH, en;q=0.8" -> de, en).
 * Only the primary subtag counts: there is one German and one English. Ranges with q=0 are refused
 * languages and dropped; equal weights keep the header's order.
 */
export function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  const ranked: { lang: string; q: number; order: number }[] = [];
  header
    .slice(0, MAX_ACCEPT_LANGUAGE_CHARS)
    .split(',')
    .forEach((part, order) => {
      const [range = '', ...params] = part.trim().toLowerCase().split(';');
      const m = LANGUAGE_RANGE.exec(range.trim());
      if (!m) return;
      let q = 1;
      for (const param of params) {
        const [name, value] = param.split('=').map((s) => s.trim());
        if (name === 'q') q = value !== undefined && /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value) ? Number(value) : -1;
      }
      if (q > 0) ranked.push({ lang: m[1]!, q, order });
    });
  return ranked.sort((a, b) => b.q - a.q || a.order - b.order).map((r) => r.lang);
}

/**
 * The language of a request: the switch's cookie when it names one of ours, else the first of ours that
 * `Accept-Language` asks for (a `*` takes the default), else the default.
 */
export function pickLocale({ cookie, acceptLanguage }: { cookie?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(cookie)) return cookie;
  for (const lang of acceptedLanguages(acceptLanguage)) {
    if (lang === '*') return DEFAULT_LOCALE;
    if (isLocale(lang)) return lang;
  }
  return DEFAULT_LOCALE;
}

/**
 * The locale that dates and numbers are written in: the browser's own preference when it is a variant of
 * the page's language (an en-GB reader keeps day-month order on an English page), else the page's language
 * (a German page writes German dates even in an English browser).
 */
export function clockLocale(page: Locale, browserLanguages: readonly string[] = []): string {
  for (const tag of browserLanguages) {
    if (tag.toLowerCase().split('-')[0] === page) {
      try {
        return Intl.getCanonicalLocales(tag)[0] ?? page;
      } catch {
        // Not a valid tag: the next one, or the page's language.
      }
    }
  }
  return page;
}

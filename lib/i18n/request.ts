import 'server-only';
import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { catalogue } from './catalogues';
import { LOCALE_COOKIE, pickLocale } from './locales';

/**
 * next-intl's per-request configuration (wired in next.config.js), without locale URL segments: the
 * language comes from the switch's cookie, else from `Accept-Language` (lib/i18n/locales.ts). The time
 * zone is UTC because the server never guesses the viewer's zone; pages show times through
 * `<LocalTime>`, which switches to the viewer's zone in the browser (docs/time.md).
 */
export default getRequestConfig(async () => {
  const [jar, head] = await Promise.all([cookies(), headers()]);
  const locale = pickLocale({ cookie: jar.get(LOCALE_COOKIE)?.value, acceptLanguage: head.get('accept-language') });
  return { locale, messages: catalogue(locale), timeZone: 'UTC' };
});

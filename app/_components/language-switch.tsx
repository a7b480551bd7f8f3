'use client';

import { useLocale, useTranslations } from 'next-intl';
import { usePathname, useSearchParams } from 'next/navigation';
import { LOCALES, LOCALE_NAMES } from '@/lib/i18n/locales';

/**
 * "English | Deutsch" at the foot of every page (the root layout renders it). A plain form posting to
 * /language, so it works without JavaScript: the route remembers the choice in a cookie and sends the
 * browser back here with a full load, which renders every part of the page (and `<html lang>`) anew. A
 * client component only to read the current path and query while rendering on the server.
 */
export function LanguageSwitch() {
  const t = useTranslations('LanguageSwitch');
  const locale = useLocale();
  const pathname = usePathname() ?? '/';
  const query = useSearchParams()?.toString();
  return (
    <footer className="lang-switch no-print">
      <form method="post" action="/language" aria-label={t('label')}>
        <input type="hidden" name="return" value={query ? `${pathname}?${query}` : pathname} />
        <span className="visually-hidden">{t('label')}: </span>
        {LOCALES.map((l) => (
          <button key={l} type="submit" name="locale" value={l} lang={l} className="link" aria-pressed={l === locale}>
            {LOCALE_NAMES[l]}
          </button>
        ))}
      </form>
    </footer>
  );
}

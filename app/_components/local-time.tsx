'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useHydrated } from '@/app/admin/_components/use-hydrated';
import { clockLocale } from '@/lib/i18n/locales';
import { formatDateTime, formatUtc } from '@/lib/time-format';

/**
 * A time in the viewer's own time zone, written in the page's language (the browser's variant of it: en-GB
 * keeps day-month order; lib/i18n/locales.ts `clockLocale`) (lib/time-format.ts), with the UTC time on hover and
 * focus. The server (and a browser without JavaScript) shows the UTC form, labelled "UTC"; the local form
 * replaces it after hydration, so the two never mismatch. With `relative` ("5 minutes ago", computed by the
 * server against the request's time) that text is shown and the exact local time is the hover text.
 */
export function LocalTime({ at, relative, never }: { at: Date | string | number | null; relative?: string; never?: string }) {
  const hydrated = useHydrated();
  const t = useTranslations('LocalTime');
  const locale = useLocale();
  if (at === null) return <>{never ?? t('never')}</>;
  const date = new Date(at);
  const utc = formatUtc(date);
  const shown = hydrated ? formatDateTime(date, { locale: clockLocale(locale, navigator.languages) }) : utc;
  if (relative !== undefined) {
    return (
      <time dateTime={date.toISOString()} title={hydrated ? `${shown} (${utc})` : utc} tabIndex={0} className="reltime">
        {relative}
        <span className="reltime-exact"> ({hydrated ? shown : utc})</span>
      </time>
    );
  }
  return (
    <time dateTime={date.toISOString()} title={utc} tabIndex={0} className="reltime">
      {shown}
      {hydrated ? <span className="reltime-exact"> ({utc})</span> : null}
    </time>
  );
}

import { useLocale, useTranslations } from 'next-intl';
import { relativeTime } from './labels';
import { LocalTime } from './local-time';

/**
 * "5 minutes ago", with the exact time (in the viewer's zone once JavaScript runs, UTC before) shown on
 * hover and on keyboard focus, and read out by screen readers. The relative text is computed on the server
 * against the request's time, in the page's language, so it needs no hydration of its own.
 */
export function RelativeTime({ at, now }: { at: Date; now: Date }) {
  const t = useTranslations('RelativeTime');
  const locale = useLocale();
  return <LocalTime at={at} relative={relativeTime(at, now, locale) ?? t('justNow')} />;
}

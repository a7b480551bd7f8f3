'use client';

import { useHydrated } from '@/app/admin/_components/use-hydrated';
import { exactTime } from './labels';

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A time in the browser's own time zone, with the UTC time on hover and focus. The server (and a browser
 * without JavaScript) shows UTC; the local form replaces it after hydration, so the two never mismatch.
 */
export function LocalTime({ at }: { at: string }) {
  const hydrated = useHydrated();
  const date = new Date(at);
  const utc = exactTime(date);
  return (
    <time dateTime={at} title={utc} tabIndex={0} className="reltime">
      {hydrated ? local.format(date) : utc}
      {hydrated ? <span className="reltime-exact"> ({utc})</span> : null}
    </time>
  );
}

import type { Phrase } from '@/lib/time-format';
import { LocalTime } from './local-time';

/**
 * A sentence built by shared code (audit details, "Saved: …") whose times are formatted where it is shown:
 * in the viewer's zone in the browser, in UTC without JavaScript. No 'use client': it renders in server and
 * client components alike.
 */
export function PhraseText({ parts }: { parts: Phrase }) {
  return (
    <>
      {parts.map((p, i) => (typeof p === 'string' ? p : <LocalTime key={i} at={p.at} />))}
    </>
  );
}

import { exactTime, relativeTime } from './labels';

/**
 * "5 minutes ago", with the exact time (UTC) shown on hover and on keyboard focus, and read out by screen
 * readers. Rendered on the server only, against the request's time, so there is nothing to hydrate.
 */
export function RelativeTime({ at, now }: { at: Date; now: Date }) {
  const exact = exactTime(at);
  return (
    <time dateTime={at.toISOString()} title={exact} tabIndex={0} className="reltime">
      {relativeTime(at, now)}
      <span className="reltime-exact"> ({exact})</span>
    </time>
  );
}

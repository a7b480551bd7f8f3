/** Wording shared by the webmail and admin pages. */

export const SIGN_IN_RESULTS: Record<string, string> = {
  signed_in: 'signed in',
  unknown_mailbox: 'refused: unknown mailbox',
  bad_password: 'refused: wrong password',
  inactive: 'refused: mailbox inactive',
  network_not_allowed: 'refused: network not allowed',
  throttled: 'refused: too many attempts',
  password_change_required: 'refused: password change required first',
  app_password_required: 'refused: mail apps need an app password (two-factor is on)',
  two_factor_enrolment_required: 'refused: two-factor must be set up first',
  second_factor_missing: 'refused: two-factor code missing',
  refused: 'refused',
};

/** Protocols as people name them (sign-in history, audit details). */
export const PROTOCOL_NAMES: Readonly<Record<string, string>> = { web: 'Web', api: 'API', imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' };

export function signInResult(event: string, reason: string | null): string {
  if (event === 'login_succeeded') return SIGN_IN_RESULTS.signed_in!;
  return (reason && SIGN_IN_RESULTS[reason]) ?? `refused${reason ? `: ${reason}` : ''}`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];
// One formatter per language, built on first use (a handful of locales; nothing in them goes stale).
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

/**
 * "5 minutes ago", "yesterday", "vor 3 Wochen": how long ago `at` was, seen from `now`, in `locale`; null
 * for less than a minute (the caller says "just now" in its language).
 */
export function relativeTime(at: Date, now: Date, locale = 'en'): string | null {
  const ms = at.getTime() - now.getTime();
  let relative = relativeFormats.get(locale);
  if (!relative) relativeFormats.set(locale, (relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
  if (Math.abs(ms) < 60_000) return null;
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return relative.format(Math.trunc(ms / size), unit);
  }
  return null;
}

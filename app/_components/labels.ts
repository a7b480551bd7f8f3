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
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago": how long ago `at` was, seen from `now`. */
export function relativeTime(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  if (Math.abs(ms) < 60_000) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return relative.format(Math.trunc(ms / size), unit);
  }
  return 'just now';
}


/**
 * The hint under every new-password field: what to do, as the policy (lib/auth/password-policy.ts) will judge
 * it. `own`: the person's own password (mailbox user or admin); `mailbox`: an admin setting a mailbox's;
 * `admin`: an admin setting a new admin's initial password.
 */
export function passwordHint(minLength: number, subject: 'own' | 'mailbox' | 'admin', hasCurrent: boolean): string {
  const current = hasCurrent ? (subject === 'own' ? 'your current password, ' : 'the current password, ') : '';
  const address = subject === 'own' ? 'your e-mail address' : subject === 'admin' ? "the new admin's address" : "the mailbox's address";
  return `Use ${minLength} to 72 characters; several unrelated words work well. Avoid ${current}${address}, seasons, months, years and keyboard rows.`;
}

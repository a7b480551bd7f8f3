/** Wording shared by the webmail and admin pages. */

export const SIGN_IN_RESULTS: Record<string, string> = {
  signed_in: 'signed in',
  unknown_mailbox: 'refused: unknown mailbox',
  bad_password: 'refused: wrong password',
  inactive: 'refused: mailbox inactive',
  network_not_allowed: 'refused: network not allowed',
  throttled: 'refused: too many attempts',
  password_change_required: 'refused: password change required first',
  refused: 'refused',
};

export function signInResult(event: string, reason: string | null): string {
  if (event === 'login_succeeded') return SIGN_IN_RESULTS.signed_in!;
  return (reason && SIGN_IN_RESULTS[reason]) ?? `refused${reason ? `: ${reason}` : ''}`;
}

export function formatTime(at: Date | string | null): string {
  if (!at) return 'never';
  const d = typeof at === 'string' ? new Date(at) : at;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}


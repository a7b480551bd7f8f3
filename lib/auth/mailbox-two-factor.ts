import type { Protocol } from '@/db/schema';

/**
 * The mailbox two-factor decisions of spec §20 as pure functions, so that the gate (lib/auth/gate.ts), the
 * sign-in (lib/session/sign-in.ts), the proxy and the data-access layer each make one marked call and translate
 * the answer, without re-implementing the rules:
 *
 * - a web sign-in of a mailbox with two-factor stops after the password: the session is pending and admits
 *   /login/verify only (as for admins, spec §14);
 * - a mailbox whose account requires two-factor and that has none is confined to /account/two-factor
 *   (enrolment) on the web, and refused on the API (no second factor can be set up there);
 * - with two-factor on, the account password does not open mail apps (`Use an app password for mail apps`).
 *   The account's policy alone does not change the mail protocols: a mailbox not yet enrolled keeps its mail
 *   apps working until it enrols (then they need app passwords, and its open connections end).
 */

/** The columns of a mailbox (and its account) that decide its two-factor state. */
export interface MailboxTwoFactorColumns {
  totpEnabledAt: Date | null;
  /** At least one passkey (lib/auth/passkey-presence.ts hasMailboxPasskey). */
  hasPasskey: boolean;
  requireMailboxTwoFactor: boolean;
}

export interface MailboxTwoFactorState {
  /** TOTP is enabled or a passkey registered: the password alone signs in nowhere but mail apps with an app password. */
  twoFactor: boolean;
  /** The account requires two-factor for mailboxes and this one has none: confined to enrolment. */
  twoFactorEnrolmentRequired: boolean;
}

/** The state a row's columns give. */
export function mailboxTwoFactorState(row: MailboxTwoFactorColumns): MailboxTwoFactorState {
  // A passkey is a second factor like TOTP (spec §20): either one turns two-factor on.
  const twoFactor = row.totpEnabledAt !== null || row.hasPasskey;
  return { twoFactor, twoFactorEnrolmentRequired: row.requireMailboxTwoFactor && !twoFactor };
}

/** Mail protocols (nginx's auth_http): where the account password is refused while two-factor is on. */
export function isMailProtocol(protocol: Protocol | null | undefined): boolean {
  return protocol === 'imap' || protocol === 'pop3' || protocol === 'smtp';
}

/**
 * What a correct account password of a mailbox leads to on a channel, beyond the checks every sign-in makes:
 * `app_password_required` (a mail protocol while two-factor is on), `second_factor` (web or API: the
 * password step is done, the second factor decides), `enrolment_required` (the API while the account requires
 * two-factor and the mailbox has none; the web signs in and confines the session instead), or null.
 */
export type MailboxTwoFactorStep = 'app_password_required' | 'second_factor' | 'enrolment_required' | null;

export function mailboxTwoFactorStep(state: MailboxTwoFactorState, protocol: Protocol | null | undefined): MailboxTwoFactorStep {
  if (isMailProtocol(protocol)) return mailNeedsAppPasswordForTwoFactor(state) ? 'app_password_required' : null;
  if (state.twoFactor) return 'second_factor';
  if (state.twoFactorEnrolmentRequired && protocol === 'api') return 'enrolment_required';
  return null;
}

/**
 * Spec §20: a mailbox with two-factor cannot use its account password on the mail protocols. (w-apppass's
 * `mailNeedsAppPassword` answers the same question for the account policy "Mail apps must use app
 * passwords"; the sign-in refuses when either says so.)
 */
export function mailNeedsAppPasswordForTwoFactor(state: Pick<MailboxTwoFactorState, 'twoFactor'>): boolean {
  return state.twoFactor;
}

/** Where a web session of a mailbox is confined by two-factor, in the gate's order, or null. */
export type MailboxTwoFactorConfinement = 'verify' | 'enrol' | null;

/**
 * The web gate's two-factor steps, in order: a sign-in waiting for its second factor admits the verify page
 * only (it comes before everything, the forced change too: nothing is granted before the second factor); an
 * enrolment the account requires comes after a pending forced change (the caller checks that first).
 */
export function mailboxTwoFactorConfinement(verdict: { pending: boolean; mailbox: Pick<MailboxTwoFactorState, 'twoFactorEnrolmentRequired'> }): MailboxTwoFactorConfinement {
  if (verdict.pending) return 'verify';
  if (verdict.mailbox.twoFactorEnrolmentRequired) return 'enrol';
  return null;
}

/** The pages each confinement admits (the proxy and the data-access layer use the same paths). */
export const MAILBOX_VERIFY_PATH = '/login/verify';
export const MAILBOX_TWO_FACTOR_SETUP_PATH = '/account/two-factor';

'use client';

import { useActionState } from 'react';
import type { AccountPolicy } from '@/lib/accounts/policy';
import { setMailboxPolicyAction, type MailboxPolicyFormState } from './mailbox-policy-actions';

const TEXT = {
  expiryLabel: 'Passwords expire after (days)',
  expiryHint: 'Leave empty for never. From 14 days before, users see a reminder in webmail; at expiry they must choose a new password at their next sign-in, and their open sessions and mail connections end.',
  nistNote:
    'NIST SP 800-63B advises against changing passwords on a schedule without cause: people then choose weaker passwords and vary them predictably. Use this only where a rule of your industry or company requires regular changes.',
  requireAppPasswords: 'Mail apps must use app passwords',
  requireAppPasswordsHint:
    'Mail apps (IMAP, POP3, SMTP) are then refused the account password with "Use an app password for mail apps"; users create app passwords on their account page. Turning it on signs every mailbox\'s mail apps out once, so that those using the account password are refused at once.',
  requireTwoFactor: 'Require two-factor for mailboxes',
  requireTwoFactorHint:
    'A mailbox without two-factor is taken to set it up at its next web sign-in and can do nothing else on the web or the API until it has. Mail apps keep working until the user turns two-factor on; from then on they need app passwords.',
  save: 'Save policies for mailboxes',
} as const;

/** "Policies for mailboxes" (spec §20/§21): one control per policy, one Save. Works without JavaScript. */
export function MailboxPolicyForm({ policy }: { policy: AccountPolicy }) {
  const [state, formAction, pending] = useActionState<MailboxPolicyFormState, FormData>(setMailboxPolicyAction, { version: 0 });
  const error = state.fieldErrors?.passwordMaxAgeDays?.[0];
  return (
    <form action={formAction} key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <div className="checkbox">
        <input id="require-app-passwords" name="requireAppPasswords" type="checkbox" defaultChecked={policy.require_app_passwords} aria-describedby="require-app-passwords-hint" />
        <label htmlFor="require-app-passwords">{TEXT.requireAppPasswords}</label>
      </div>
      <p className="field-hint" id="require-app-passwords-hint">
        {TEXT.requireAppPasswordsHint}
      </p>
      <div className="checkbox">
        <input id="require-mailbox-two-factor" name="requireMailboxTwoFactor" type="checkbox" defaultChecked={policy.require_two_factor} aria-describedby="require-mailbox-two-factor-hint" />
        <label htmlFor="require-mailbox-two-factor">{TEXT.requireTwoFactor}</label>
      </div>
      <p className="field-hint" id="require-mailbox-two-factor-hint">
        {TEXT.requireTwoFactorHint}
      </p>
      <label htmlFor="password-max-age-days">{TEXT.expiryLabel}</label>
      <input
        id="password-max-age-days"
        name="passwordMaxAgeDays"
        inputMode="numeric"
        maxLength={12}
        defaultValue={state.values?.passwordMaxAgeDays ?? (policy.password_max_age_days === null ? '' : String(policy.password_max_age_days))}
        aria-describedby={error ? 'password-max-age-days-error password-max-age-days-hint nist-note' : 'password-max-age-days-hint nist-note'}
        aria-invalid={error ? true : undefined}
      />
      {error ? (
        <p className="error" id="password-max-age-days-error" role="alert">
          {error}
        </p>
      ) : null}
      <p className="muted" id="password-max-age-days-hint">
        {TEXT.expiryHint}
      </p>
      <p className="muted" id="nist-note" data-testid="nist-note">
        {TEXT.nistNote}
      </p>
      <button type="submit" disabled={pending}>
        {TEXT.save}
      </button>
    </form>
  );
}

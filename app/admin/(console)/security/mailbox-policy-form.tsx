'use client';

import { useActionState } from 'react';
import { setMailboxPolicyAction, type MailboxPolicyFormState } from './mailbox-policy-actions';

const TEXT = {
  expiryLabel: 'Passwords expire after (days)',
  expiryHint: 'Leave empty for never. From 14 days before, users see a reminder in webmail; at expiry they must choose a new password at their next sign-in, and their open sessions and mail connections end.',
  nistNote:
    'NIST SP 800-63B advises against changing passwords on a schedule without cause: people then choose weaker passwords and vary them predictably. Use this only where a rule of your industry or company requires regular changes.',
  save: 'Save policies for mailboxes',
} as const;

/** "Policies for mailboxes" (spec §21): password expiry. Works without JavaScript. */
export function MailboxPolicyForm({ passwordMaxAgeDays }: { passwordMaxAgeDays: number | null }) {
  const [state, formAction, pending] = useActionState<MailboxPolicyFormState, FormData>(setMailboxPolicyAction, { version: 0 });
  const error = state.fieldErrors?.passwordMaxAgeDays?.[0];
  return (
    <form action={formAction} key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <p className="muted" data-testid="nist-note">
        {TEXT.nistNote}
      </p>
      <label htmlFor="password-max-age-days">{TEXT.expiryLabel}</label>
      <input
        id="password-max-age-days"
        name="passwordMaxAgeDays"
        inputMode="numeric"
        maxLength={12}
        defaultValue={state.values?.passwordMaxAgeDays ?? (passwordMaxAgeDays === null ? '' : String(passwordMaxAgeDays))}
        aria-describedby={error ? 'password-max-age-days-error password-max-age-days-hint' : 'password-max-age-days-hint'}
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
      <button type="submit" disabled={pending}>
        {TEXT.save}
      </button>
    </form>
  );
}

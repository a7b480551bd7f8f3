'use client';

import { useActionState } from 'react';
import type { AccountPolicy } from '@/lib/accounts/policy';
import { setMailboxPolicyAction, type MailboxPolicyState } from './mailbox-policy-actions';

/** Wording of the form (one place, for the translations of spec §22). */
const TEXT = {
  requireTwoFactor: 'Require two-factor for mailboxes',
  requireTwoFactorHint:
    'A mailbox without two-factor is taken to set it up at its next web sign-in and can do nothing else on the web or the API until it has. Mail apps keep working until the user turns two-factor on; from then on they need app passwords.',
  save: 'Save policies',
};

/** The account's policies for its mailboxes: one checkbox per policy. Works without JavaScript. */
export function MailboxPolicyForm({ policy }: { policy: AccountPolicy }) {
  const [state, formAction, pending] = useActionState<MailboxPolicyState, FormData>(setMailboxPolicyAction, { version: 0 });
  return (
    <form action={formAction} key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <div className="checkbox">
        <input id="require-mailbox-two-factor" name="requireMailboxTwoFactor" type="checkbox" defaultChecked={policy.require_two_factor} aria-describedby="require-mailbox-two-factor-hint" />
        <label htmlFor="require-mailbox-two-factor">{TEXT.requireTwoFactor}</label>
      </div>
      <p className="field-hint" id="require-mailbox-two-factor-hint">
        {TEXT.requireTwoFactorHint}
      </p>
      <button type="submit" disabled={pending}>
        {TEXT.save}
      </button>
    </form>
  );
}

'use client';

import { useActionState } from 'react';
import { ReauthFields } from '../../_reauth/reauth-fields';
import { resetMailboxTwoFactorAction, type ResetTwoFactorState } from './two-factor-actions';

/** Wording of the section (one place, for the translations of spec §22). */
const TEXT = {
  heading: 'Two-factor',
  on: 'On: web sign-in needs a code from the user’s authenticator app; mail apps need app passwords.',
  off: 'Off.',
  resetHint: 'Reset it when the user lost their device: two-factor and the recovery codes are removed and the mailbox’s sessions end. The user can set it up again at /account.',
  reset: 'Reset two-factor',
};

/** The mailbox's two-factor state and the admin's Reset (a sensitive step: asks for the password again). */
export function TwoFactorReset({ email, on }: { email: string; on: boolean }) {
  const [state, formAction, pending] = useActionState<ResetTwoFactorState, FormData>(resetMailboxTwoFactorAction, { version: 0 });
  return (
    <section className="card" aria-labelledby="mailbox-two-factor-heading">
      <h2 id="mailbox-two-factor-heading">{TEXT.heading}</h2>
      <p data-testid="mailbox-two-factor">{on ? TEXT.on : TEXT.off}</p>
      {on ? (
        <form action={formAction} key={state.version}>
          {state.formError ? (
            <p className="alert" role="alert">
              {state.formError}
            </p>
          ) : null}
          <input type="hidden" name="email" value={email} />
          <p className="field-hint">{TEXT.resetHint}</p>
          <ReauthFields prompt={state.reauth} idPrefix="reset-two-factor" />
          <button type="submit" className="danger" disabled={pending}>
            {TEXT.reset}
          </button>
        </form>
      ) : null}
    </section>
  );
}

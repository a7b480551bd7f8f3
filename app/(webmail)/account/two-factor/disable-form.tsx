'use client';

import { useActionState } from 'react';
import { disableMailboxTwoFactorAction, type DisableState } from './actions';

/** Wording of the form (one place, for the translations of spec §22). */
const TEXT = {
  heading: 'Turn off two-factor',
  intro: 'Confirm with your password and a current code from your authenticator app (or a recovery code).',
  password: 'Password',
  code: 'Code',
  submit: 'Turn off two-factor',
  checking: 'Checking…',
};

/** Turning two-factor off asks for the password and a code again. Works without JavaScript. */
export function DisableTwoFactorForm() {
  const [state, formAction, pending] = useActionState<DisableState, FormData>(disableMailboxTwoFactorAction, {});
  return (
    <form action={formAction} noValidate aria-labelledby="disable-heading">
      <h2 id="disable-heading">{TEXT.heading}</h2>
      <p>{TEXT.intro}</p>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <label htmlFor="disable-password">{TEXT.password}</label>
      <input id="disable-password" name="password" type="password" autoComplete="current-password" maxLength={1024} required />
      <label htmlFor="disable-code">{TEXT.code}</label>
      <input id="disable-code" name="code" type="text" autoComplete="one-time-code" maxLength={64} required />
      <button type="submit" className="danger" disabled={pending}>
        {pending ? TEXT.checking : TEXT.submit}
      </button>
    </form>
  );
}

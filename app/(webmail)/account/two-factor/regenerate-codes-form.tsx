'use client';

import { useActionState } from 'react';
import { RecoveryCodes } from '@/app/admin/two-factor/recovery-codes';
import { regenerateMailboxRecoveryCodesAction, type RegenerateCodesState } from './actions';

/** Wording of the form (one place, for the translations of spec §22). */
const TEXT = {
  heading: 'New recovery codes',
  intro: 'Get 10 new recovery codes, for example when you have used most of yours or think someone has seen them. Your old codes stop working. Confirm with your password and a current code from your authenticator app (or a recovery code).',
  password: 'Password',
  code: 'Code',
  submit: 'Get new recovery codes',
  checking: 'Checking…',
  done: 'Your old recovery codes no longer work.',
};

/**
 * New recovery codes, shown once in place of the form. Asks for the password and a code again (the
 * service checks both). Works without JavaScript: the action state is rendered into the response.
 */
export function RegenerateRecoveryCodesForm({ email }: { email: string }) {
  const [state, formAction, pending] = useActionState<RegenerateCodesState, FormData>(regenerateMailboxRecoveryCodesAction, { version: 0 });
  if (state.recoveryCodes) {
    return (
      <div>
        <p role="status" className="notice">
          {TEXT.done}
        </p>
        <RecoveryCodes codes={state.recoveryCodes} who={email} kind="mailbox" />
      </div>
    );
  }
  return (
    <form action={formAction} noValidate aria-labelledby="regenerate-heading" key={state.version}>
      <h2 id="regenerate-heading">{TEXT.heading}</h2>
      <p>{TEXT.intro}</p>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <label htmlFor="regenerate-password">{TEXT.password}</label>
      <input id="regenerate-password" name="password" type="password" autoComplete="current-password" maxLength={1024} required />
      <label htmlFor="regenerate-code">{TEXT.code}</label>
      <input id="regenerate-code" name="code" type="text" autoComplete="one-time-code" maxLength={64} required />
      <button type="submit" disabled={pending}>
        {pending ? TEXT.checking : TEXT.submit}
      </button>
    </form>
  );
}

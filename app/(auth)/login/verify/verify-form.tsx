'use client';

import { useActionState } from 'react';
import { verifyMailboxCodeAction, type VerifyState } from './actions';

/** Wording of the form (one place, for the translations of spec §22). */
const TEXT = {
  label: 'Code',
  hint: 'The 6-digit code from your authenticator app, or one of your recovery codes.',
  submit: 'Verify',
  checking: 'Checking…',
};

/** The code form of the mailbox's second step. Works without JavaScript. */
export function MailboxVerifyForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, formAction, pending] = useActionState<VerifyState, FormData>(verifyMailboxCodeAction, {});
  return (
    <form action={formAction} noValidate>
      {state.formError ? (
        <p className="alert" role="alert" id="verify-error">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label htmlFor="code">{TEXT.label}</label>
      <p className="muted" id="code-hint">
        {TEXT.hint}
      </p>
      <input id="code" name="code" type="text" inputMode="text" autoComplete="one-time-code" autoCapitalize="off" spellCheck={false} maxLength={64} required aria-describedby="code-hint" autoFocus />
      <button type="submit" disabled={pending}>
        {pending ? TEXT.checking : TEXT.submit}
      </button>
    </form>
  );
}

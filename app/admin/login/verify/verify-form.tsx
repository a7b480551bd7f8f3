'use client';

import { useActionState } from 'react';
import { verifyCodeAction, type VerifyState } from './actions';

/** The code form of the second step. Works without JavaScript. */
export function VerifyForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, formAction, pending] = useActionState<VerifyState, FormData>(verifyCodeAction, {});
  return (
    <form action={formAction} noValidate>
      {state.formError ? (
        <p className="alert" role="alert" id="verify-error">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label htmlFor="code">Code</label>
      <p className="muted" id="code-hint">
        The 6-digit code from your authenticator app, or one of your recovery codes.
      </p>
      <input id="code" name="code" type="text" inputMode="text" autoComplete="one-time-code" autoCapitalize="off" spellCheck={false} maxLength={64} required aria-describedby="code-hint" autoFocus />
      <button type="submit" disabled={pending}>
        {pending ? 'Checking…' : 'Verify'}
      </button>
    </form>
  );
}

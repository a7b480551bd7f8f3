'use client';

import { useActionState } from 'react';
import { FieldErrors as Errors } from '@/app/_components/field-errors';
import { usePasswordFormKeeping } from '@/app/_components/password-fields';
import { setPasswordAction, type PasswordFormState } from './actions';
import { PasswordHint } from '@/app/_components/password-hint';

/** Sets a password chosen by the admin. The fields are never filled from the server: no password is echoed. */
export function PasswordForm({ email, minLength }: { email: string; minLength: number }) {
  const [state, formAction, pending] = useActionState<PasswordFormState, FormData>(setPasswordAction, {});
  const { formRef, onSubmit } = usePasswordFormKeeping(formAction, state, false);
  const e = state.fieldErrors ?? {};
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">Set a new password</h2>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      {state.notice ? (
        <p className="notice" role="status">
          {state.notice}
        </p>
      ) : null}
      <p className="field-hint">
        For a user who lost their password. It is temporary: the user must choose their own at the next sign-in, and every open session of the mailbox ends now.
      </p>
      <input type="hidden" name="email" value={email} />
      <label htmlFor="newPassword">New password</label>
      <p className="field-hint" id="newPassword-hint">
        <PasswordHint minLength={minLength} subject="mailbox" hasCurrent={true} />
      </p>
      <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" required aria-describedby={e.newPassword ? 'newPassword-hint newPassword-error' : 'newPassword-hint'} />
      <Errors id="newPassword-error" messages={e.newPassword} />
      <label htmlFor="confirmPassword">New password again</label>
      <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required aria-describedby={e.confirmPassword ? 'confirmPassword-error' : undefined} />
      <Errors id="confirmPassword-error" messages={e.confirmPassword} />
      <button type="submit" disabled={pending}>
        {pending ? 'Setting…' : 'Set password'}
      </button>
    </form>
  );
}

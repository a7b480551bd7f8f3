'use client';

import { useActionState } from 'react';
import { signInAction, type LoginState } from './actions';

type SignInAction = (prev: LoginState, formData: FormData) => Promise<LoginState>;

/** The sign-in form of webmail and (with its own action and label) of the admin area. Works without JavaScript. */
export function LoginForm({ callbackUrl, action = signInAction, emailLabel = 'Email address' }: { callbackUrl: string; action?: SignInAction; emailLabel?: string }) {
  const [state, formAction, pending] = useActionState<LoginState, FormData>(action, {});
  return (
    <form action={formAction} noValidate>
      {state.formError ? (
        <p className="alert" role="alert" id="login-error">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label htmlFor="email">{emailLabel}</label>
      <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

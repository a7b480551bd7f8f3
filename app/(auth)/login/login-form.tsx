'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState, type FormEvent } from 'react';
import { FieldErrors } from '@/app/_components/field-errors';
import { signInFieldErrors, type SignInFieldErrors } from '@/lib/auth/sign-in-fields';
import { signInAction, type LoginState } from './actions';

type SignInAction = (prev: LoginState, formData: FormData) => Promise<LoginState>;

/** The sign-in form of webmail and (with its own action and label) of the admin area. Works without JavaScript. */
export function LoginForm({ callbackUrl, action = signInAction, emailLabel }: { callbackUrl: string; action?: SignInAction; emailLabel?: string }) {
  const t = useTranslations('LoginForm');
  const tAuth = useTranslations('Auth');
  const [state, formAction, pending] = useActionState<LoginState, FormData>(action, {});
  // With JavaScript an empty field is named at once, without a round trip; the server checks the same.
  const [local, setLocal] = useState<{ errors: SignInFieldErrors; answer: LoginState } | null>(null);
  const e = local && local.answer === state ? local.errors : (state.fieldErrors ?? {});
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const data = new FormData(event.currentTarget);
    const errors = signInFieldErrors({ email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') }, { email: tAuth('emailRequired'), password: tAuth('passwordRequired') });
    setLocal(errors ? { errors, answer: state } : null);
    if (errors) {
      event.preventDefault();
      const first = event.currentTarget.elements.namedItem(errors.email ? 'email' : 'password');
      if (first instanceof HTMLInputElement) first.focus();
    }
  };
  const showFormError = state.formError && !(local && local.answer === state);
  return (
    <form action={formAction} onSubmit={onSubmit} noValidate>
      {showFormError ? (
        <p className="alert" role="alert" id="login-error">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label htmlFor="email">{emailLabel ?? t('email')}</label>
      <input
        id="email"
        name="email"
        type="email"
        autoComplete="username"
        required
        defaultValue={state.email}
        aria-invalid={e.email ? true : undefined}
        aria-describedby={e.email ? 'email-error' : undefined}
      />
      <FieldErrors id="email-error" messages={e.email} />
      <label htmlFor="password">{t('password')}</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        aria-invalid={e.password ? true : undefined}
        aria-describedby={e.password ? 'password-error' : undefined}
      />
      <FieldErrors id="password-error" messages={e.password} />
      <button type="submit" disabled={pending}>
        {pending ? t('pending') : t('submit')}
      </button>
    </form>
  );
}

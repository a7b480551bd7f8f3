'use client';

import { useTranslations } from 'next-intl';
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
  const t = useTranslations('MailboxPassword');
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">{t('heading')}</h2>
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
        {t('intro')}
      </p>
      <input type="hidden" name="email" value={email} />
      <label htmlFor="newPassword">{t('newPassword')}</label>
      <p className="field-hint" id="newPassword-hint">
        <PasswordHint minLength={minLength} subject="mailbox" hasCurrent={true} />
      </p>
      <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" required aria-describedby={e.newPassword ? 'newPassword-hint newPassword-error' : 'newPassword-hint'} />
      <Errors id="newPassword-error" messages={e.newPassword} />
      <label htmlFor="confirmPassword">{t('confirmPassword')}</label>
      <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required aria-describedby={e.confirmPassword ? 'confirmPassword-error' : undefined} />
      <Errors id="confirmPassword-error" messages={e.confirmPassword} />
      <button type="submit" disabled={pending}>
        {pending ? t('submitting') : t('submit')}
      </button>
    </form>
  );
}

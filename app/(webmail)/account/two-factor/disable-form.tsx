'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { disableMailboxTwoFactorAction, type DisableState } from './actions';

/** Turning two-factor off asks for the password and a code again. Works without JavaScript. */
export function DisableTwoFactorForm() {
  const t = useTranslations('MailboxTwoFactorDisable');
  const [state, formAction, pending] = useActionState<DisableState, FormData>(disableMailboxTwoFactorAction, {});
  return (
    <form action={formAction} noValidate aria-labelledby="disable-heading">
      <h2 id="disable-heading">{t('heading')}</h2>
      <p>{t('intro')}</p>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <label htmlFor="disable-password">{t('password')}</label>
      <input id="disable-password" name="password" type="password" autoComplete="current-password" maxLength={1024} required />
      <label htmlFor="disable-code">{t('code')}</label>
      <input id="disable-code" name="code" type="text" autoComplete="one-time-code" maxLength={64} required />
      <button type="submit" className="danger" disabled={pending}>
        {pending ? t('checking') : t('submit')}
      </button>
    </form>
  );
}

'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { disableMailboxTwoFactorAction, type DisableState } from './actions';

/**
 * Turning two-factor off asks for the password and a code again. Works without JavaScript. `appOnly`: a
 * passkey keeps two-factor on, so this removes the authenticator app alone (and says so).
 */
export function DisableTwoFactorForm({ appOnly = false }: { appOnly?: boolean }) {
  const t = useTranslations('MailboxTwoFactorDisable');
  const [state, formAction, pending] = useActionState<DisableState, FormData>(disableMailboxTwoFactorAction, {});
  return (
    <form action={formAction} noValidate aria-labelledby="disable-heading">
      <h2 id="disable-heading">{appOnly ? t('appOnlyHeading') : t('heading')}</h2>
      <p>{appOnly ? t('appOnlyIntro') : t('intro')}</p>
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
        {pending ? t('checking') : appOnly ? t('appOnlyHeading') : t('submit')}
      </button>
    </form>
  );
}

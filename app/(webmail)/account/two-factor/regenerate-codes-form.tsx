'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { RecoveryCodes } from '@/app/admin/two-factor/recovery-codes';
import { regenerateMailboxRecoveryCodesAction, type RegenerateCodesState } from './actions';

/**
 * New recovery codes, shown once in place of the form. Asks for the password and a code again (the
 * service checks both). Works without JavaScript: the action state is rendered into the response.
 */
export function RegenerateRecoveryCodesForm({ email }: { email: string }) {
  const t = useTranslations('MailboxRecoveryCodesForm');
  const [state, formAction, pending] = useActionState<RegenerateCodesState, FormData>(regenerateMailboxRecoveryCodesAction, { version: 0 });
  if (state.recoveryCodes) {
    return (
      <div>
        <p role="status" className="notice">
          {t('done')}
        </p>
        <RecoveryCodes codes={state.recoveryCodes} who={email} kind="mailbox" />
      </div>
    );
  }
  return (
    <form action={formAction} noValidate aria-labelledby="regenerate-heading" key={state.version}>
      <h2 id="regenerate-heading">{t('heading')}</h2>
      <p>{t('intro')}</p>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <label htmlFor="regenerate-password">{t('password')}</label>
      <input id="regenerate-password" name="password" type="password" autoComplete="current-password" maxLength={1024} required />
      <label htmlFor="regenerate-code">{t('code')}</label>
      <input id="regenerate-code" name="code" type="text" autoComplete="one-time-code" maxLength={64} required />
      <button type="submit" disabled={pending}>
        {pending ? t('checking') : t('submit')}
      </button>
    </form>
  );
}

'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ReauthFields } from '../../_reauth/reauth-fields';
import { resetMailboxTwoFactorAction, type ResetTwoFactorState } from './two-factor-actions';

/** The mailbox's two-factor state and the admin's Reset (a sensitive step: asks for the password again). */
export function TwoFactorReset({ email, on }: { email: string; on: boolean }) {
  const t = useTranslations('MailboxTwoFactor');
  const [state, formAction, pending] = useActionState<ResetTwoFactorState, FormData>(resetMailboxTwoFactorAction, { version: 0 });
  return (
    <section className="card" aria-labelledby="mailbox-two-factor-heading">
      <h2 id="mailbox-two-factor-heading">{t('heading')}</h2>
      <p data-testid="mailbox-two-factor">{on ? t('on') : t('off')}</p>
      {on ? (
        <form action={formAction} key={state.version}>
          {state.formError ? (
            <p className="alert" role="alert">
              {state.formError}
            </p>
          ) : null}
          <input type="hidden" name="email" value={email} />
          <p className="field-hint">{t('resetHint')}</p>
          <ReauthFields prompt={state.reauth} idPrefix="reset-two-factor" />
          <button type="submit" className="danger" disabled={pending}>
            {t('reset')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

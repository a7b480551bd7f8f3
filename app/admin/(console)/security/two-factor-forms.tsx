'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { RecoveryCodes } from '@/app/admin/two-factor/recovery-codes';
import { ReauthFields } from '../_reauth/reauth-fields';
import { disableTwoFactorAction, regenerateRecoveryCodesAction, setTwoFactorPolicyAction, type TwoFactorFormState } from './actions';

/**
 * "Turn off two-factor": a sensitive step, so the server asks for the password and a code again when the
 * last proof is over 5 minutes old (the fields appear in the form). Works without JavaScript.
 */
export function DisableTwoFactorForm() {
  const [state, formAction, pending] = useActionState<TwoFactorFormState, FormData>(disableTwoFactorAction, { version: 0 });
  const t = useTranslations('SecurityForms');
  return (
    <form action={formAction} noValidate key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <ReauthFields prompt={state.reauth} idPrefix="disable" />
      <button type="submit" disabled={pending}>
        {t('turnOff')}
      </button>
    </form>
  );
}

/** New recovery codes (the old ones stop working), shown once in place of the button. A sensitive step. */
export function RegenerateCodesForm() {
  const [state, formAction, pending] = useActionState<TwoFactorFormState, FormData>(regenerateRecoveryCodesAction, { version: 0 });
  const t = useTranslations('SecurityForms');
  if (state.recoveryCodes) return <RecoveryCodes codes={state.recoveryCodes} />;
  return (
    <form action={formAction} noValidate key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <ReauthFields prompt={state.reauth} idPrefix="codes" />
      <button type="submit" disabled={pending}>
        {t('newCodes')}
      </button>
    </form>
  );
}

/** The account policy checkbox. */
export function TwoFactorPolicyForm({ required }: { required: boolean }) {
  const [state, formAction, pending] = useActionState<TwoFactorFormState, FormData>(setTwoFactorPolicyAction, { version: 0 });
  const t = useTranslations('SecurityForms');
  return (
    <form action={formAction} key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <div className="checkbox">
        <input id="require-two-factor" name="requireTwoFactor" type="checkbox" defaultChecked={required} />
        <label htmlFor="require-two-factor">{t('requireForAll')}</label>
      </div>
      <button type="submit" disabled={pending}>
        {t('savePolicy')}
      </button>
    </form>
  );
}

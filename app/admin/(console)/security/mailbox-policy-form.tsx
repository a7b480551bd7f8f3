'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import type { AccountPolicy } from '@/lib/accounts/policy';
import { setMailboxPolicyAction, type MailboxPolicyFormState } from './mailbox-policy-actions';

/** "Policies for mailboxes" (spec §20/§21): one control per policy, one Save. Works without JavaScript. */
export function MailboxPolicyForm({ policy }: { policy: AccountPolicy }) {
  const [state, formAction, pending] = useActionState<MailboxPolicyFormState, FormData>(setMailboxPolicyAction, { version: 0 });
  const t = useTranslations('MailboxPolicyForm');
  const error = state.fieldErrors?.passwordMaxAgeDays?.[0];
  return (
    <form action={formAction} key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <div className="checkbox">
        <input id="require-app-passwords" name="requireAppPasswords" type="checkbox" defaultChecked={policy.require_app_passwords} aria-describedby="require-app-passwords-hint" />
        <label htmlFor="require-app-passwords">{t('requireAppPasswords')}</label>
      </div>
      <p className="field-hint" id="require-app-passwords-hint">
        {t('requireAppPasswordsHint')}
      </p>
      <div className="checkbox">
        <input id="require-mailbox-two-factor" name="requireMailboxTwoFactor" type="checkbox" defaultChecked={policy.require_two_factor} aria-describedby="require-mailbox-two-factor-hint" />
        <label htmlFor="require-mailbox-two-factor">{t('requireTwoFactor')}</label>
      </div>
      <p className="field-hint" id="require-mailbox-two-factor-hint">
        {t('requireTwoFactorHint')}
      </p>
      <label htmlFor="password-max-age-days">{t('expiryLabel')}</label>
      <input
        id="password-max-age-days"
        name="passwordMaxAgeDays"
        inputMode="numeric"
        maxLength={12}
        defaultValue={state.values?.passwordMaxAgeDays ?? (policy.password_max_age_days === null ? '' : String(policy.password_max_age_days))}
        aria-describedby={error ? 'password-max-age-days-error password-max-age-days-hint nist-note' : 'password-max-age-days-hint nist-note'}
        aria-invalid={error ? true : undefined}
      />
      {error ? (
        <p className="error" id="password-max-age-days-error" role="alert">
          {error}
        </p>
      ) : null}
      <p className="muted" id="password-max-age-days-hint">
        {t('expiryHint')}
      </p>
      <p className="muted" id="nist-note" data-testid="nist-note">
        {t('nistNote')}
      </p>
      <button type="submit" disabled={pending}>
        {t('save')}
      </button>
    </form>
  );
}

'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { CopyButton } from '@/app/admin/_components/copy-button';
import { ReauthFields } from '../_reauth/reauth-fields';
import { createApiKeyAction, type ApiKeyFormState } from './actions';

/**
 * "Create API key": the key is shown once, in place of the form. A sensitive step: the server asks for the
 * password (and second factor) again when the last proof is over 5 minutes old. Works without JavaScript.
 */
export function ApiKeyForm() {
  const [state, formAction, pending] = useActionState<ApiKeyFormState, FormData>(createApiKeyAction, { version: 0 });
  const t = useTranslations('SecurityForms');
  return (
    <div>
      {state.created ? (
        <div className="notice" role="status">
          <p>{t('keyCreated', { label: state.created.label })}</p>
          <p>
            <code data-testid="new-api-key">{state.created.key}</code> <CopyButton text={state.created.key} label={t('copyLabel')} />
          </p>
          <p className="muted">{t('keyUse')}</p>
        </div>
      ) : null}
      <form action={formAction} noValidate key={state.version}>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <label htmlFor="key-label">{t('keyLabel')}</label>
        <input id="key-label" name="label" type="text" maxLength={100} required defaultValue={state.values?.label} />
        <label htmlFor="key-expires">{t('keyExpires')}</label>
        <p className="field-hint" id="key-expires-hint">
          {t('keyExpiresHint')}
        </p>
        <input id="key-expires" name="expires" type="date" defaultValue={state.values?.expires} aria-describedby="key-expires-hint" />
        <label htmlFor="key-allow-nets">{t('keyAllowNets')}</label>
        <p className="field-hint" id="key-allow-nets-hint">
          {t('keyAllowNetsHint')}
        </p>
        <textarea id="key-allow-nets" name="keyAllowNets" rows={2} defaultValue={state.values?.allowNets} aria-describedby="key-allow-nets-hint" />
        <ReauthFields prompt={state.reauth} idPrefix="key" />
        <button type="submit" disabled={pending}>
          {t('createKey')}
        </button>
      </form>
    </div>
  );
}

'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { CopyButton } from '@/app/admin/_components/copy-button';
import { createAppPasswordAction, type AppPasswordFormState } from './app-password-actions';

/** The protocols' values; each one's name is the catalogue key of the same name. */
const PROTOCOLS = ['imap', 'pop3', 'smtp'] as const;

/** "Create app password": the password is shown once, grouped for typing, with a copy button. Works without JavaScript. */
export function AppPasswordForm() {
  const t = useTranslations('AppPasswordForm');
  const [state, formAction, pending] = useActionState<AppPasswordFormState, FormData>(createAppPasswordAction, { version: 0 });
  const ticked = new Set(state.values?.protocols ?? ['imap', 'smtp']);
  return (
    <div>
      {state.created ? (
        <div className="notice" role="status">
          <p>{t('created', { label: state.created.label })}</p>
          <p>
            <code data-testid="new-app-password" className="app-password">
              {state.created.password}
            </code>{' '}
            <CopyButton text={state.created.password} label={t('copyLabel')} />
          </p>
          <p className="muted">{t('howTo')}</p>
        </div>
      ) : null}
      <form action={formAction} noValidate key={state.version}>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <label htmlFor="app-label">{t('label')}</label>
        <p className="field-hint" id="app-label-hint">
          {t('labelHint')}
        </p>
        <input id="app-label" name="label" type="text" maxLength={100} required defaultValue={state.values?.label} aria-describedby="app-label-hint" />
        <fieldset>
          <legend>{t('protocols')}</legend>
          {PROTOCOLS.map((p) => (
            <div className="checkbox" key={p}>
              <input id={`app-protocol-${p}`} name="protocols" type="checkbox" value={p} defaultChecked={ticked.has(p)} />
              <label htmlFor={`app-protocol-${p}`}>{t(p)}</label>
            </div>
          ))}
        </fieldset>
        <label htmlFor="app-allow-nets">{t('networks')}</label>
        <p className="field-hint" id="app-allow-nets-hint">
          {t('networksHint')}
        </p>
        <textarea id="app-allow-nets" name="appAllowNets" rows={2} defaultValue={state.values?.allowNets} aria-describedby="app-allow-nets-hint" />
        <label htmlFor="app-expires">{t('expires')}</label>
        <p className="field-hint" id="app-expires-hint">
          {t('expiresHint')}
        </p>
        <input id="app-expires" name="expires" type="date" defaultValue={state.values?.expires} aria-describedby="app-expires-hint" />
        <button type="submit" disabled={pending}>
          {pending ? t('creating') : t('create')}
        </button>
      </form>
    </div>
  );
}

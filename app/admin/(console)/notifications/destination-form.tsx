'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { CopyButton } from '@/app/admin/_components/copy-button';
import { LOCALE_NAMES, LOCALES, type Locale } from '@/lib/i18n/locales';
import { NOTIFY_EVENT_KEYS, NOTIFY_EVENT_TYPES, NOTIFY_EVENTS_NAMESPACE } from '@/lib/notify/events-list';
import { ReauthFields } from '../_reauth/reauth-fields';
import { addDestinationAction, type DestinationFormState } from './actions';

/**
 * "Add a destination": a sensitive step (asks for the password again after 5 minutes). Works without
 * JavaScript. Its language starts as the one the admin reads the page in (`language`).
 */
export function DestinationForm({ language }: { language: Locale }) {
  const [state, formAction, pending] = useActionState<DestinationFormState, FormData>(addDestinationAction, { version: 0 });
  const t = useTranslations('DestinationForm');
  const te = useTranslations(NOTIFY_EVENTS_NAMESPACE);
  const ticked = new Set(state.values?.events ?? NOTIFY_EVENT_TYPES);
  return (
    <div>
      {state.created ? (
        <div className="notice" role="status">
          <p>{state.created.secret ? t('createdWebhook') : t('createdEmail')}</p>
          {state.created.secret ? (
            <>
              <p>
                <code data-testid="new-webhook-secret">{state.created.secret}</code> <CopyButton text={state.created.secret} label={t('copyLabel')} />
              </p>
              <p className="muted">{t('secretHint')}</p>
            </>
          ) : null}
        </div>
      ) : null}
      <form action={formAction} noValidate key={state.version}>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <fieldset>
          <legend>{t('kind')}</legend>
          <label>
            <input type="radio" name="kind" value="webhook" defaultChecked={(state.values?.kind ?? 'webhook') === 'webhook'} /> {t('webhook')}
          </label>
          <label>
            <input type="radio" name="kind" value="email" defaultChecked={state.values?.kind === 'email'} /> {t('email')}
          </label>
        </fieldset>
        <label htmlFor="dest-target">{t('target')}</label>
        <p className="field-hint" id="dest-target-hint">
          {t('targetHint')}
        </p>
        <input id="dest-target" name="target" type="text" maxLength={2000} required defaultValue={state.values?.target} aria-describedby="dest-target-hint" />
        <label htmlFor="dest-label">{t('label')}</label>
        <input id="dest-label" name="label" type="text" maxLength={100} defaultValue={state.values?.label} />
        <label htmlFor="dest-language">{t('language')}</label>
        <select id="dest-language" name="language" defaultValue={state.values?.language ?? language}>
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>
        <fieldset>
          <legend>{t('events')}</legend>
          {NOTIFY_EVENT_TYPES.map((type) => (
            <label key={type}>
              <input type="checkbox" name="events" value={type} defaultChecked={ticked.has(type)} /> {te(NOTIFY_EVENT_KEYS[type])}
            </label>
          ))}
        </fieldset>
        <ReauthFields prompt={state.reauth} idPrefix="dest" />
        <button type="submit" disabled={pending}>
          {t('submit')}
        </button>
      </form>
    </div>
  );
}

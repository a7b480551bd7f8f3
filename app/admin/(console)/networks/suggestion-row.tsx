'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { addSuggestionAction, type NetSetFormState } from './actions';

/** "Add to set" for one suggested network: a plain form, so it works without JavaScript. */
export function AddToSet({ net, setNames }: { net: string; setNames: string[] }) {
  const [state, action, pending] = useActionState<NetSetFormState, FormData>(addSuggestionAction, { version: 0 });
  const t = useTranslations('NetSetForm');
  if (setNames.length === 0) return <span className="muted">{t('noSetYet')}</span>;
  return (
    <form action={action} className="inline">
      <input type="hidden" name="net" value={net} />
      <label className="visually-hidden" htmlFor={`to-${net}`}>
        {t('setFor', { net })}
      </label>
      <select id={`to-${net}`} name="set" defaultValue={setNames[0]}>
        {setNames.map((n) => (
          <option key={n} value={n}>
            @{n}
          </option>
        ))}
      </select>{' '}
      <button type="submit" className="secondary" disabled={pending} aria-label={t('addLabel', { net })}>
        {t('add')}
      </button>
      <FormAlert message={state.formError} />
      {state.notice ? <span role="status"> {state.notice}</span> : null}
    </form>
  );
}

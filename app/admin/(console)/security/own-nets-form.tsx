'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { setOwnAllowNetsAction, type OwnNetsState } from './actions';

/** The admin's own allowed networks (same syntax as a mailbox's). Works without JavaScript. */
export function OwnNetsForm({ allowNets, clientIp }: { allowNets: string; clientIp: string | null }) {
  const [state, formAction, pending] = useActionState<OwnNetsState, FormData>(setOwnAllowNetsAction, { version: 0, allowNets });
  const t = useTranslations('SecurityForms');
  return (
    <form action={formAction} noValidate key={state.version}>
      <FormAlert message={state.formError} netErrors={state.netErrors} testId="own-nets-errors" />
      <label htmlFor="own-allow-nets">{t('ownNets')}</label>
      <p className="field-hint" id="own-allow-nets-hint">
        {t.rich('ownNetsHint', { ip: () => <span className="mono">{clientIp ?? t('unknownAddress')}</span> })}
      </p>
      <textarea id="own-allow-nets" name="allowNets" rows={3} defaultValue={state.allowNets} aria-describedby="own-allow-nets-hint" />
      <button type="submit" disabled={pending}>
        {t('saveNets')}
      </button>
    </form>
  );
}

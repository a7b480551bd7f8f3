'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState } from 'react';
import { AllowNetsField } from '@/app/admin/_components/allow-nets-field';
import { FieldErrors } from '@/app/_components/field-errors';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { createMailboxAction, type CreateMailboxState } from './actions';
import { PasswordHint } from '@/app/_components/password-hint';

/** The new-mailbox form. Passwords are never sent back by the server, so a refused form asks for them again. */
export function CreateMailboxForm({ domains, minLength, setNames }: { domains: string[]; minLength: number; setNames: string[] }) {
  const [state, formAction, pending] = useActionState<CreateMailboxState, FormData>(createMailboxAction, { version: 0 });
  return <CreateFields key={state.version} state={state} formAction={formAction} pending={pending} domains={domains} minLength={minLength} setNames={setNames} />;
}

function CreateFields({ state, formAction, pending, domains, minLength, setNames }: { state: CreateMailboxState; formAction: (f: FormData) => void; pending: boolean; domains: string[]; minLength: number; setNames: string[] }) {
  const t = useTranslations('NewMailbox');
  const v = state.values;
  const e = state.fieldErrors ?? {};
  const [nets, setNets] = useState(v?.allowNets ?? '');
  const describedBy = (id: string, hint?: string) => [hint, e[id as keyof typeof e] ? `${id}-error` : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <form action={formAction} noValidate>
      <FormAlert message={state.formError} />
      <div className="address-row">
        <div>
          <label htmlFor="local">{t('local')}</label>
          <input id="local" name="local" type="text" autoComplete="off" required defaultValue={v?.local} aria-describedby={describedBy('local')} />
        </div>
        <span aria-hidden="true">@</span>
        <div>
          <label htmlFor="domain">{t('domain')}</label>
          <select id="domain" name="domain" defaultValue={v?.domain} aria-describedby={describedBy('domain')}>
            {domains.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
      </div>
      <FieldErrors id="local-error" messages={e.local} />
      <FieldErrors id="domain-error" messages={e.domain} />
      <label htmlFor="newPassword">{t('password')}</label>
      <p className="field-hint" id="newPassword-hint">
        <PasswordHint minLength={minLength} subject="mailbox" hasCurrent={false} />
      </p>
      <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" required aria-describedby={describedBy('newPassword', 'newPassword-hint')} />
      <FieldErrors id="newPassword-error" messages={e.newPassword} />
      <label htmlFor="confirmPassword">{t('again')}</label>
      <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required aria-describedby={describedBy('confirmPassword')} />
      <FieldErrors id="confirmPassword-error" messages={e.confirmPassword} />
      <div className="checkbox">
        <input id="requireResetPassword" name="requireResetPassword" type="checkbox" defaultChecked={v?.requireResetPassword ?? true} />
        <label htmlFor="requireResetPassword">{t('forceReset')}</label>
      </div>
      <div className="checkbox">
        <input id="active" name="active" type="checkbox" defaultChecked={v?.active ?? true} />
        <label htmlFor="active">{t('active')}</label>
      </div>
      <AllowNetsField id="allowNets" name="allowNets" label={t('nets')} value={nets} onChange={setNets} emptyText={t('netsEmpty')} setNames={setNames} />
      <label htmlFor="memo">{t('memo')}</label>
      <textarea id="memo" name="memo" defaultValue={v?.memo} maxLength={2000} rows={2} aria-describedby={describedBy('memo')} />
      <FieldErrors id="memo-error" messages={e.memo} />
      <button type="submit" disabled={pending}>
        {pending ? t('creating') : t('create')}
      </button>
    </form>
  );
}

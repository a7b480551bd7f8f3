'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { FieldErrors } from '@/app/_components/field-errors';
import { PasswordHint } from '@/app/_components/password-hint';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { ReauthFields } from '../_reauth/reauth-fields';
import { addAdminAction, type AddAdminState } from './actions';

/** Add an admin: address and initial password (never sent back; a refused form asks for it again). */
export function AddAdminForm({ minLength }: { minLength: number }) {
  const t = useTranslations('AddAdminForm');
  const [state, formAction, pending] = useActionState<AddAdminState, FormData>(addAdminAction, { version: 0 });
  const e = state.fieldErrors ?? {};
  return (
    <form action={formAction} noValidate key={state.version}>
      <FormAlert message={state.formError} />
      <label htmlFor="admin-email">{t('email')}</label>
      <input id="admin-email" name="email" type="email" autoComplete="off" required defaultValue={state.email} aria-describedby={e.email ? 'admin-email-error' : undefined} />
      <FieldErrors id="admin-email-error" messages={e.email} />
      <label htmlFor="admin-password">{t('password')}</label>
      <p className="field-hint" id="admin-password-hint">
        <PasswordHint minLength={minLength} subject="admin" hasCurrent={false} /> {t('handOver')}
      </p>
      <input id="admin-password" name="password" type="password" autoComplete="new-password" required aria-describedby={['admin-password-hint', e.password ? 'admin-password-error' : ''].filter(Boolean).join(' ')} />
      <FieldErrors id="admin-password-error" messages={e.password} />
      <ReauthFields prompt={state.reauth} idPrefix="add-admin" />
      <button type="submit" disabled={pending}>
        {t('submit')}
      </button>
    </form>
  );
}

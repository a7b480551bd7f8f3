'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { AddPasskeyForm as SharedAddPasskeyForm } from '@/app/_components/add-passkey-form';
import { passkeyRegistrationOptionsAction, registerPasskeyAction, removePasskeyAction, renamePasskeyAction, type PasskeyFormState } from './passkey-actions';

/** "Add a passkey" for the admin's own account (the security page and the enrolment page). */
export function AddPasskeyForm({ next = 'security' }: { next?: 'security' | 'mailboxes' }) {
  return <SharedAddPasskeyForm next={next} optionsAction={passkeyRegistrationOptionsAction} registerAction={registerPasskeyAction} />;
}

/** Rename one passkey (works without JavaScript). */
export function RenamePasskeyForm({ id, name }: { id: number; name: string }) {
  const t = useTranslations('Passkeys');
  const [state, formAction, pending] = useActionState<PasskeyFormState, FormData>(renamePasskeyAction, { version: 0 });
  return (
    <form action={formAction} noValidate key={state.version} className="inline-form">
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="id" value={id} />
      <label htmlFor={`passkey-rename-${id}`}>{t('renameLabel', { name })}</label>
      <input id={`passkey-rename-${id}`} name="name" type="text" maxLength={60} defaultValue={name} required autoComplete="off" />
      <button type="submit" disabled={pending}>
        {t('rename')}
      </button>
    </form>
  );
}

/** Remove one passkey; the password proves it is the admin (works without JavaScript). */
export function RemovePasskeyForm({ id, name }: { id: number; name: string }) {
  const t = useTranslations('Passkeys');
  const [state, formAction, pending] = useActionState<PasskeyFormState, FormData>(removePasskeyAction, { version: 0 });
  return (
    <form action={formAction} noValidate key={state.version} className="inline-form">
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="id" value={id} />
      <label htmlFor={`passkey-remove-${id}`}>{t('removeLabel', { name })}</label>
      <input id={`passkey-remove-${id}`} name="password" type="password" autoComplete="current-password" required />
      <button type="submit" disabled={pending}>
        {t('remove')}
      </button>
    </form>
  );
}

'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { AddPasskeyForm } from '@/app/_components/add-passkey-form';
import { mailboxPasskeyRegistrationOptionsAction, registerMailboxPasskeyAction, removeMailboxPasskeyAction, type RemovePasskeyState } from './actions';

/** "Add a passkey" for the mailbox's own account; the first one shows the new recovery codes once. */
export function AddMailboxPasskeyForm({ email }: { email: string }) {
  const t = useTranslations('MailboxPasskeys');
  return (
    <AddPasskeyForm optionsAction={mailboxPasskeyRegistrationOptionsAction} registerAction={registerMailboxPasskeyAction} alreadyHere={t('alreadyHere')} codesFor={email}>
      <p role="status" className="notice">
        {t('nowOn')}
      </p>
      <p>
        <a href="/account?notice=two-factor-on">{t('saved')}</a>
      </p>
    </AddPasskeyForm>
  );
}

/**
 * Removes one passkey: the password proves it is the user; when it is the last second factor, a code too
 * (removing it turns two-factor off, which asks for both). Works without JavaScript.
 */
export function RemoveMailboxPasskeyForm({ id, name, last }: { id: number; name: string; last: boolean }) {
  const t = useTranslations('MailboxPasskeys');
  const [state, formAction, pending] = useActionState<RemovePasskeyState, FormData>(removeMailboxPasskeyAction, { version: 0 });
  return (
    <form action={formAction} noValidate key={state.version} className="inline-form">
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="id" value={id} />
      <label htmlFor={`passkey-remove-${id}`}>{t('removeLabel', { name })}</label>
      <input id={`passkey-remove-${id}`} name="password" type="password" autoComplete="current-password" maxLength={1024} required />
      {last ? (
        <>
          <label htmlFor={`passkey-remove-code-${id}`}>{t('lastCodeLabel')}</label>
          <input id={`passkey-remove-code-${id}`} name="code" type="text" autoComplete="one-time-code" maxLength={64} required />
        </>
      ) : null}
      <button type="submit" className={last ? 'danger' : undefined} disabled={pending}>
        {t('remove')}
      </button>
    </form>
  );
}

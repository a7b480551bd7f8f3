'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState, useSyncExternalStore } from 'react';
import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser';
import { passkeyRegistrationOptionsAction, registerPasskeyAction, removePasskeyAction, renamePasskeyAction, type PasskeyFormState } from './passkey-actions';

const noSubscription = () => () => {};

/**
 * "Add a passkey": a name, then the browser's passkey dialog. Needs JavaScript (WebAuthn is a browser API);
 * without it the form explains that instead of failing.
 */
export function AddPasskeyForm({ next = 'security' }: { next?: 'security' | 'mailboxes' }) {
  const t = useTranslations('Passkeys');
  const supported = useSyncExternalStore(noSubscription, browserSupportsWebAuthn, () => false);
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function add(formData: FormData) {
    setBusy(true);
    setError(null);
    try {
      const name = String(formData.get('name') ?? '');
      if (!name.trim()) {
        setError(t('nameMissing'));
        return;
      }
      const started = await passkeyRegistrationOptionsAction();
      if (!started.options) {
        setError(started.formError);
        return;
      }
      let response: unknown;
      try {
        response = await startRegistration({ optionsJSON: started.options });
      } catch (e) {
        const name = e instanceof Error ? e.name : '';
        setError(name === 'InvalidStateError' ? t('alreadyHere') : t('notCreated'));
        return;
      }
      // On success the action redirects; it answers only with an error.
      const result = await registerPasskeyAction(name, response, next);
      if (result?.formError) setError(result.formError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form action={add} noValidate data-testid="add-passkey">
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
      <label htmlFor="passkey-name">{t('name')}</label>
      <p className="muted" id="passkey-name-hint">
        {t('nameHint')}
      </p>
      <input id="passkey-name" name="name" type="text" maxLength={60} required aria-describedby="passkey-name-hint" autoComplete="off" />
      {hydrated && !supported ? <p className="muted">{t('unsupported')}</p> : null}
      <button type="submit" disabled={busy || !hydrated || !supported}>
        {busy ? t('waiting') : t('add')}
      </button>
      <noscript>
        <p className="muted">{t('needsScript')}</p>
      </noscript>
    </form>
  );
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

'use client';

import { useActionState, useState, useSyncExternalStore } from 'react';
import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser';
import { passkeyRegistrationOptionsAction, registerPasskeyAction, removePasskeyAction, renamePasskeyAction, type PasskeyFormState } from './passkey-actions';

const noSubscription = () => () => {};

/**
 * "Add a passkey": a name, then the browser's passkey dialog. Needs JavaScript (WebAuthn is a browser API);
 * without it the form explains that instead of failing.
 */
export function AddPasskeyForm({ next = 'security' }: { next?: 'security' | 'mailboxes' }) {
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
        setError('Give the passkey a name, such as "Work laptop".');
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
        setError(name === 'InvalidStateError' ? 'This device already holds a passkey for your admin account.' : 'No passkey was created (cancelled, timed out or not available on this device). Try again.');
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
      <label htmlFor="passkey-name">Name of the new passkey</label>
      <p className="muted" id="passkey-name-hint">
        So you can tell your passkeys apart, for example &quot;Work laptop&quot; or &quot;Security key&quot;.
      </p>
      <input id="passkey-name" name="name" type="text" maxLength={60} required aria-describedby="passkey-name-hint" autoComplete="off" />
      {hydrated && !supported ? <p className="muted">This browser does not support passkeys.</p> : null}
      <button type="submit" disabled={busy || !hydrated || !supported}>
        {busy ? 'Waiting for your passkey…' : 'Add a passkey'}
      </button>
      <noscript>
        <p className="muted">Adding a passkey needs JavaScript.</p>
      </noscript>
    </form>
  );
}

/** Rename one passkey (works without JavaScript). */
export function RenamePasskeyForm({ id, name }: { id: number; name: string }) {
  const [state, formAction, pending] = useActionState<PasskeyFormState, FormData>(renamePasskeyAction, { version: 0 });
  return (
    <form action={formAction} noValidate key={state.version} className="inline-form">
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="id" value={id} />
      <label htmlFor={`passkey-rename-${id}`}>New name for {name}</label>
      <input id={`passkey-rename-${id}`} name="name" type="text" maxLength={60} defaultValue={name} required autoComplete="off" />
      <button type="submit" disabled={pending}>
        Rename
      </button>
    </form>
  );
}

/** Remove one passkey; the password proves it is the admin (works without JavaScript). */
export function RemovePasskeyForm({ id, name }: { id: number; name: string }) {
  const [state, formAction, pending] = useActionState<PasskeyFormState, FormData>(removePasskeyAction, { version: 0 });
  return (
    <form action={formAction} noValidate key={state.version} className="inline-form">
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="id" value={id} />
      <label htmlFor={`passkey-remove-${id}`}>Your password, to remove {name}</label>
      <input id={`passkey-remove-${id}`} name="password" type="password" autoComplete="current-password" required />
      <button type="submit" disabled={pending}>
        Remove
      </button>
    </form>
  );
}

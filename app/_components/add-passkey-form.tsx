'use client';

import { useTranslations } from 'next-intl';
import { useState, useSyncExternalStore, type ReactNode } from 'react';
import { browserSupportsWebAuthn, startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { RecoveryCodes } from '@/app/admin/two-factor/recovery-codes';

const noSubscription = () => () => {};

/** The first half's answer: creation options for the browser, or the message to show. */
export type PasskeyRegistrationOptionsState = { options: PublicKeyCredentialCreationOptionsJSON; formError?: undefined } | { options?: undefined; formError: string };

/**
 * What the second half answers when it does not redirect: a message, or (a mailbox's first second factor)
 * the new recovery codes, shown here once.
 */
export interface PasskeyRegisteredState {
  formError?: string;
  recoveryCodes?: string[];
}

/**
 * "Add a passkey": a name, then the browser's passkey dialog, for admins (/admin/security, /admin/two-factor)
 * and mailbox users (/account/two-factor): each page passes its two actions. Needs JavaScript (WebAuthn is a
 * browser API); without it the form explains that instead of failing. `alreadyHere`: the page's words for an
 * authenticator that holds a passkey for this account already.
 */
export function AddPasskeyForm({
  next = 'security',
  optionsAction,
  registerAction,
  alreadyHere,
  codesFor,
  children,
}: {
  next?: string;
  optionsAction: () => Promise<PasskeyRegistrationOptionsState>;
  registerAction: (name: unknown, response: unknown, next: unknown) => Promise<PasskeyRegisteredState>;
  alreadyHere?: string;
  /** Whose recovery codes these would be (a mailbox's address), for the codes' file title. */
  codesFor?: string;
  /** Shown under the recovery codes (the way on, such as "I have saved them"). */
  children?: ReactNode;
}) {
  const t = useTranslations('Passkeys');
  const [codes, setCodes] = useState<string[] | null>(null);
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
      const started = await optionsAction();
      if (!started.options) {
        setError(started.formError);
        return;
      }
      let response: unknown;
      try {
        response = await startRegistration({ optionsJSON: started.options });
      } catch (e) {
        const name = e instanceof Error ? e.name : '';
        setError(name === 'InvalidStateError' ? (alreadyHere ?? t('alreadyHere')) : t('notCreated'));
        return;
      }
      // On success the action redirects, or answers with the recovery codes of a first enrolment.
      const result = await registerAction(name, response, next);
      if (result?.formError) setError(result.formError);
      else if (result?.recoveryCodes) setCodes(result.recoveryCodes);
    } finally {
      setBusy(false);
    }
  }

  if (codes) {
    return (
      <div data-testid="passkey-added">
        <RecoveryCodes codes={codes} who={codesFor} kind="mailbox" />
        {children}
      </div>
    );
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

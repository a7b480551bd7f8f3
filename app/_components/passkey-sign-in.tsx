'use client';

import { useTranslations } from 'next-intl';
import { useState, useSyncExternalStore } from 'react';
import { browserSupportsWebAuthn, startAuthentication } from '@simplewebauthn/browser';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { VerifyState } from './verify-form';

/** The first half's answer: the options for the browser, or the message to show. */
export type PasskeyOptionsState = { options: PublicKeyCredentialRequestOptionsJSON; formError?: undefined } | { options?: undefined; formError: string };

const noSubscription = () => () => {};

/**
 * "Use a passkey" at the second step, for admins (/admin/login/verify) and mailbox users (/login/verify):
 * each page passes its two actions. Needs JavaScript (WebAuthn is a browser API), so it renders only once
 * the page's scripts run; the code form beside it works without.
 */
export function PasskeySignIn({
  callbackUrl,
  optionsAction,
  verifyAction,
}: {
  callbackUrl: string;
  optionsAction: () => Promise<PasskeyOptionsState>;
  verifyAction: (response: unknown, callbackUrl: unknown) => Promise<VerifyState>;
}) {
  const t = useTranslations('Verify');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // False on the server and during hydration, then the browser's answer: no hydration mismatch.
  const supported = useSyncExternalStore(noSubscription, browserSupportsWebAuthn, () => false);
  if (!supported) return null;

  async function signInWithPasskey() {
    setBusy(true);
    setError(null);
    try {
      const started = await optionsAction();
      if (!started.options) {
        setError(started.formError);
        return;
      }
      let response: unknown;
      try {
        response = await startAuthentication({ optionsJSON: started.options });
      } catch {
        setError(t('passkeyNotUsed'));
        return;
      }
      // On success the action redirects; it answers only with an error.
      const result = await verifyAction(response, callbackUrl);
      if (result?.formError) setError(result.formError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="passkey-sign-in" data-testid="passkey-sign-in">
      {error ? (
        <p className="alert" role="alert" id="passkey-error">
          {error}
        </p>
      ) : null}
      <button type="button" onClick={() => void signInWithPasskey()} disabled={busy}>
        {busy ? t('waitingForPasskey') : t('usePasskey')}
      </button>
    </div>
  );
}

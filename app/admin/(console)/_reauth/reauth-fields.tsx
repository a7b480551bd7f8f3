'use client';

import { useTranslations } from 'next-intl';
import { useRef, useState, useSyncExternalStore } from 'react';
import { browserSupportsWebAuthn, startAuthentication } from '@simplewebauthn/browser';
import { reauthPasskeyOptionsAction } from './actions';
import type { ReauthPrompt } from './prompt';

const noSubscription = () => () => {};

/**
 * "Confirm your password" inside a sensitive form (spec §23), shown once the server has answered that the
 * step needs it. The fields travel with the form's own, so nothing typed is lost and it works without
 * JavaScript (a passkey needs it: WebAuthn is a browser API).
 */
export function ReauthFields({ prompt, idPrefix }: { prompt: ReauthPrompt | undefined; idPrefix: string }) {
  const t = useTranslations('Reauth');
  const passkeyField = useRef<HTMLInputElement>(null);
  const [passkeyError, setPasskeyError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const supported = useSyncExternalStore(noSubscription, browserSupportsWebAuthn, () => false);
  if (!prompt) return null;

  async function confirmWithPasskey() {
    setPasskeyError(null);
    const password = passkeyField.current?.form?.elements.namedItem('reauthPassword');
    if (!(password instanceof HTMLInputElement) || password.value === '') {
      setPasskeyError(t('passwordFirst'));
      return;
    }
    setBusy(true);
    try {
      const started = await reauthPasskeyOptionsAction();
      if (!started.options) {
        setPasskeyError(started.formError);
        return;
      }
      try {
        const response = await startAuthentication({ optionsJSON: started.options });
        passkeyField.current!.value = JSON.stringify(response);
      } catch {
        setPasskeyError(t('passkeyNotUsed'));
        return;
      }
      passkeyField.current!.form?.requestSubmit();
    } finally {
      setBusy(false);
    }
  }

  return (
    <fieldset className="reauth" data-testid="reauth">
      <legend>{t('legend')}</legend>
      <p className="field-hint" id={`${idPrefix}-reauth-hint`}>
        {prompt.code ? t('hintCode') : prompt.passkey ? t('hintPasskey') : t('hint')}
      </p>
      {prompt.error ? (
        <p className="alert" role="alert">
          {prompt.error}
        </p>
      ) : null}
      <label htmlFor={`${idPrefix}-reauth-password`}>{t('password')}</label>
      <input id={`${idPrefix}-reauth-password`} name="reauthPassword" type="password" autoComplete="current-password" required aria-describedby={`${idPrefix}-reauth-hint`} />
      {prompt.code ? (
        <>
          <label htmlFor={`${idPrefix}-reauth-code`}>{t('code')}</label>
          <input id={`${idPrefix}-reauth-code`} name="reauthCode" type="text" autoComplete="one-time-code" spellCheck={false} />
        </>
      ) : null}
      {prompt.passkey ? (
        <>
          <input ref={passkeyField} type="hidden" name="reauthPasskey" defaultValue="" />
          {supported ? (
            <button type="button" className="secondary" onClick={() => void confirmWithPasskey()} disabled={busy}>
              {busy ? t('waiting') : prompt.code ? t('passkeyInstead') : t('passkey')}
            </button>
          ) : prompt.code ? null : (
            <p className="muted">{t('passkeyNeedsScript')}</p>
          )}
          {passkeyError ? (
            <p className="alert" role="alert">
              {passkeyError}
            </p>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

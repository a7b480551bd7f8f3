'use client';

import { useTranslations } from 'next-intl';
import { useActionState, type ReactNode } from 'react';
import { beginTotpSetupAction, confirmTotpAction, type ConfirmTotpState } from './actions';
import { RecoveryCodes } from './recovery-codes';

export interface SetupPanelProps {
  email: string;
  enabled: boolean;
  /** The pending secret as text and QR data URL; null before "Set up" is pressed. */
  setup: { secret: string; qrDataUrl: string } | null;
  /** Where "continue" leads once the codes are saved. */
  next: string;
  /** The other way to turn two-factor on (add a passkey): offered only while it is off. */
  passkey: ReactNode;
}

/**
 * The setup steps. One client component at one place in the tree, so that the recovery codes returned by
 * the confirming action stay on screen although the server now renders "two-factor is on" (with and
 * without JavaScript: the action state is rendered into the response either way).
 */
export function SetupPanel(props: SetupPanelProps) {
  const [state, formAction, pending] = useActionState<ConfirmTotpState, FormData>(confirmTotpAction, { version: 0 });
  const on = props.enabled || Boolean(state.recoveryCodes);
  return (
    <>
      <Steps {...props} state={state} formAction={formAction} pending={pending} />
      {/* Once two-factor is on (also right after confirming, before the page is rendered again), the
          alternative is no longer a choice to offer here: passkeys are managed on the Security page. */}
      {on ? null : props.passkey}
    </>
  );
}

function Steps({ email, enabled, setup, next, state, formAction, pending }: SetupPanelProps & { state: ConfirmTotpState; formAction: (formData: FormData) => void; pending: boolean }) {
  const t = useTranslations('TwoFactorSetup');
  if (state.recoveryCodes) {
    return (
      <div className="card">
        <p role="status" className="notice">
          {t('isOn')}
        </p>
        <RecoveryCodes codes={state.recoveryCodes} who={email} />
        <p>
          <a href={next}>{t('saved')}</a>
        </p>
      </div>
    );
  }
  if (enabled) {
    return (
      <div className="card">
        <p>{t('isOnFor', { email })}</p>
        <p>
          <a href="/admin/security">{t('backToSecurity')}</a>
        </p>
      </div>
    );
  }
  if (!setup) {
    return (
      <div className="card">
        <p>{t('intro')}</p>
        <form action={beginTotpSetupAction}>
          <button type="submit">{t('begin')}</button>
        </form>
      </div>
    );
  }
  return (
    <div className="card">
      <h2>{t('step1')}</h2>
      <p>{t('scan')}</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL of the qrcode library's SVG: nothing for the image optimiser to do */}
      <img className="qr" width={200} height={200} src={setup.qrDataUrl} alt={t('qrAlt')} />
      <p>{t('byHand')}</p>
      <p>
        <code data-testid="totp-secret">{setup.secret}</code>
      </p>
      <h2>{t('step2')}</h2>
      <form action={formAction} noValidate>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <label htmlFor="totp-code">{t('code')}</label>
        <input id="totp-code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={64} required />
        <button type="submit" disabled={pending}>
          {pending ? t('checking') : t('turnOn')}
        </button>
      </form>
      <form action={beginTotpSetupAction}>
        <button type="submit" className="link">
          {t('restart')}
        </button>
      </form>
    </div>
  );
}

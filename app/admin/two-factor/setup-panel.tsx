'use client';

import { useTranslations } from 'next-intl';
import { TotpScanAndConfirm, TotpSetupStart } from '@/app/_components/totp-setup-steps';
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
  if (!setup) return <TotpSetupStart intro={t('intro')} beginAction={beginTotpSetupAction} />;
  return <TotpScanAndConfirm setup={setup} formError={state.formError} confirmAction={formAction} pending={pending} beginAction={beginTotpSetupAction} />;
}

'use client';

import { useActionState, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { RecoveryCodes } from '@/app/admin/two-factor/recovery-codes';
import { beginMailboxTotpSetupAction, confirmMailboxTotpAction, type ConfirmTotpState } from './actions';

/**
 * The setup steps. One client component at one place in the tree, so that the recovery codes returned by
 * the confirming action stay on screen although the server now renders "two-factor is on" (with and
 * without JavaScript: the action state is rendered into the response either way).
 */
export function MailboxSetupPanel({ email, enabled, setup, enabledView }: { email: string; enabled: boolean; setup: { secret: string; qrDataUrl: string } | null; enabledView: ReactNode }) {
  // The steps' words are the admins' (TwoFactorSetup); what differs for a mailbox has its own namespace.
  const t = useTranslations('TwoFactorSetup');
  const m = useTranslations('MailboxTwoFactorSetup');
  const [state, formAction, pending] = useActionState<ConfirmTotpState, FormData>(confirmMailboxTotpAction, { version: 0 });
  if (state.recoveryCodes) {
    return (
      <div className="card">
        <p role="status" className="notice">
          {t('isOn')} {m('mailApps')}
        </p>
        {/* None when a passkey came first: the codes of that first enrolment stay. */}
        {state.recoveryCodes.length ? <RecoveryCodes codes={state.recoveryCodes} who={email} kind="mailbox" /> : null}
        <p>
          <a href="/account?notice=two-factor-on">{t('saved')}</a>
        </p>
      </div>
    );
  }
  if (enabled) return enabledView;
  if (!setup) {
    return (
      <div className="card">
        <p>{m('intro')}</p>
        <form action={beginMailboxTotpSetupAction}>
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
      <form action={beginMailboxTotpSetupAction}>
        <button type="submit" className="link">
          {t('restart')}
        </button>
      </form>
    </div>
  );
}

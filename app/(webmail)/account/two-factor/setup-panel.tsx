'use client';

import { useActionState, type ReactNode } from 'react';
import { RecoveryCodes } from '@/app/admin/two-factor/recovery-codes';
import { beginMailboxTotpSetupAction, confirmMailboxTotpAction, type ConfirmTotpState } from './actions';

/** Wording of the setup steps (one place, for the translations of spec §22). */
const TEXT = {
  on: 'Two-factor is on.',
  mailApps: 'Your mail apps have been signed out: from now on they need an app password instead of your account password.',
  continue: 'I have saved my recovery codes: continue',
  intro:
    'With two-factor, signing in to webmail needs your password and a code from an authenticator app on your phone or computer. You also get recovery codes for when you lose the device. Mail apps then need an app password.',
  start: 'Set up an authenticator app',
  step1: '1. Add Portcullis to your authenticator app',
  scan: 'Scan this QR code with an authenticator app (for example Google Authenticator, Microsoft Authenticator, 1Password or Aegis).',
  qrAlt: 'QR code for your authenticator app',
  byHand: 'Cannot scan it? Enter this key by hand (time-based, 6 digits, every 30 seconds):',
  step2: '2. Enter the code your app shows',
  codeLabel: 'Code from your app',
  checking: 'Checking…',
  confirm: 'Turn on two-factor',
  restart: 'Start again with a new key',
};

/**
 * The setup steps. One client component at one place in the tree, so that the recovery codes returned by
 * the confirming action stay on screen although the server now renders "two-factor is on" (with and
 * without JavaScript: the action state is rendered into the response either way).
 */
export function MailboxSetupPanel({ email, enabled, setup, enabledView }: { email: string; enabled: boolean; setup: { secret: string; qrDataUrl: string } | null; enabledView: ReactNode }) {
  const [state, formAction, pending] = useActionState<ConfirmTotpState, FormData>(confirmMailboxTotpAction, { version: 0 });
  if (state.recoveryCodes) {
    return (
      <div className="card">
        <p role="status" className="notice">
          {TEXT.on} {TEXT.mailApps}
        </p>
        <RecoveryCodes codes={state.recoveryCodes} who={email} kind="mailbox" />
        <p>
          <a href="/account?notice=two-factor-on">{TEXT.continue}</a>
        </p>
      </div>
    );
  }
  if (enabled) return enabledView;
  if (!setup) {
    return (
      <div className="card">
        <p>{TEXT.intro}</p>
        <form action={beginMailboxTotpSetupAction}>
          <button type="submit">{TEXT.start}</button>
        </form>
      </div>
    );
  }
  return (
    <div className="card">
      <h2>{TEXT.step1}</h2>
      <p>{TEXT.scan}</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL of the qrcode library's SVG: nothing for the image optimiser to do */}
      <img className="qr" width={200} height={200} src={setup.qrDataUrl} alt={TEXT.qrAlt} />
      <p>{TEXT.byHand}</p>
      <p>
        <code data-testid="totp-secret">{setup.secret}</code>
      </p>
      <h2>{TEXT.step2}</h2>
      <form action={formAction} noValidate>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <label htmlFor="totp-code">{TEXT.codeLabel}</label>
        <input id="totp-code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={64} required />
        <button type="submit" disabled={pending}>
          {pending ? TEXT.checking : TEXT.confirm}
        </button>
      </form>
      <form action={beginMailboxTotpSetupAction}>
        <button type="submit" className="link">
          {TEXT.restart}
        </button>
      </form>
    </div>
  );
}

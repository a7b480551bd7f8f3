'use client';

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
  if (state.recoveryCodes) {
    return (
      <div className="card">
        <p role="status" className="notice">
          Two-factor is on.
        </p>
        <RecoveryCodes codes={state.recoveryCodes} who={email} />
        <p>
          <a href={next}>I have saved my recovery codes: continue</a>
        </p>
      </div>
    );
  }
  if (enabled) {
    return (
      <div className="card">
        <p>Two-factor is on for {email}.</p>
        <p>
          <a href="/admin/security">Back to Security</a>
        </p>
      </div>
    );
  }
  if (!setup) {
    return (
      <div className="card">
        <p>
          With two-factor, signing in to the admin area needs your password and a code from an authenticator app on your phone or computer. You also get recovery codes for when you lose the
          device.
        </p>
        <form action={beginTotpSetupAction}>
          <button type="submit">Set up an authenticator app</button>
        </form>
      </div>
    );
  }
  return (
    <div className="card">
      <h2>1. Add Portcullis to your authenticator app</h2>
      <p>Scan this QR code with an authenticator app (for example Google Authenticator, Microsoft Authenticator, 1Password or Aegis).</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL of the qrcode library's SVG: nothing for the image optimiser to do */}
      <img className="qr" width={200} height={200} src={setup.qrDataUrl} alt="QR code for your authenticator app" />
      <p>Cannot scan it? Enter this key by hand (time-based, 6 digits, every 30 seconds):</p>
      <p>
        <code data-testid="totp-secret">{setup.secret}</code>
      </p>
      <h2>2. Enter the code your app shows</h2>
      <form action={formAction} noValidate>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <label htmlFor="totp-code">Code from your app</label>
        <input id="totp-code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={64} required />
        <button type="submit" disabled={pending}>
          {pending ? 'Checking…' : 'Turn on two-factor'}
        </button>
      </form>
      <form action={beginTotpSetupAction}>
        <button type="submit" className="link">
          Start again with a new key
        </button>
      </form>
    </div>
  );
}

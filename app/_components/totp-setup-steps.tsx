'use client';

import { useTranslations } from 'next-intl';

/*
 * The authenticator-app steps that admins (/admin/two-factor) and mailbox users (/account/two-factor) go
 * through alike: start, then scan (or type) the secret and confirm with a code. Each page passes its own
 * actions and keeps what differs (the words around them, where "continue" leads, the recovery codes' kind).
 */

type Action = (formData: FormData) => void | Promise<void>;

/** Before "Set up": the page's introduction and the button that creates a pending secret. */
export function TotpSetupStart({ intro, beginAction }: { intro: string; beginAction: Action }) {
  const t = useTranslations('TwoFactorSetup');
  return (
    <div className="card">
      <p>{intro}</p>
      <form action={beginAction}>
        <button type="submit">{t('begin')}</button>
      </form>
    </div>
  );
}

/** Scan the pending secret (or type it), then confirm it with a code; "start again" makes a new secret. */
export function TotpScanAndConfirm({
  setup,
  formError,
  confirmAction,
  pending,
  beginAction,
}: {
  setup: { secret: string; qrDataUrl: string };
  formError: string | undefined;
  confirmAction: Action;
  pending: boolean;
  beginAction: Action;
}) {
  const t = useTranslations('TwoFactorSetup');
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
      <form action={confirmAction} noValidate>
        {formError ? (
          <p className="alert" role="alert">
            {formError}
          </p>
        ) : null}
        <label htmlFor="totp-code">{t('code')}</label>
        <input id="totp-code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={64} required />
        <button type="submit" disabled={pending}>
          {pending ? t('checking') : t('turnOn')}
        </button>
      </form>
      <form action={beginAction}>
        <button type="submit" className="link">
          {t('restart')}
        </button>
      </form>
    </div>
  );
}

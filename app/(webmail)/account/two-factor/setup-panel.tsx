'use client';

import { useActionState, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { TotpScanAndConfirm, TotpSetupStart } from '@/app/_components/totp-setup-steps';
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
  if (!setup) return <TotpSetupStart intro={m('intro')} beginAction={beginMailboxTotpSetupAction} />;
  return <TotpScanAndConfirm setup={setup} formError={state.formError} confirmAction={formAction} pending={pending} beginAction={beginMailboxTotpSetupAction} />;
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { requireMailbox } from '@/lib/session/dal';
import { mailboxTotpSetupView, mailboxTwoFactorSummary } from '@/lib/mailboxes/two-factor';
import { LocalTime } from '@/app/_components/local-time';
import { DisableTwoFactorForm } from './disable-form';
import { RegenerateRecoveryCodesForm } from './regenerate-codes-form';
import { MailboxSetupPanel } from './setup-panel';

export const metadata: Metadata = { title: 'Two-factor' };

/** Wording of the page (one place, for the translations of spec §22). */
const TEXT = {
  back: '← Back to Account',
  heading: 'Two-factor',
  required: 'Your organisation requires two-factor for every mailbox. Set it up to continue, or sign out and come back later.',
  onSince: 'Two-factor is on since',
  codesLeft: (n: number) => `Unused recovery codes: ${n}.`,
  mailApps: 'Mail apps need an app password while two-factor is on: your account password works only on the web.',
  requiredOn: 'Your organisation requires two-factor for every mailbox, so it cannot be turned off. Your administrator can reset it if you lose your device.',
};

/**
 * The mailbox's own two-factor (spec §20): setup, state, turning it off. The only page (with sign-out) open to
 * a mailbox whose account requires two-factor and that has none.
 */
export default async function MailboxTwoFactorPage() {
  const { mailbox } = await requireMailbox('enrolment');
  const summary = await mailboxTwoFactorSummary(mailbox.id);
  const view = summary.enabled ? null : await mailboxTotpSetupView(mailbox);
  // The QR code as a data URL: no inline markup, so the page's CSP holds.
  const setup = view ? { secret: view.secret, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(view.qrSvg).toString('base64')}` } : null;
  return (
    <main className="narrow">
      {mailbox.twoFactorEnrolmentRequired ? null : (
        <p>
          <Link href="/account">{TEXT.back}</Link>
        </p>
      )}
      <h1>{TEXT.heading}</h1>
      {mailbox.twoFactorEnrolmentRequired ? (
        <p className="notice" role="status">
          {TEXT.required}
        </p>
      ) : null}
      <MailboxSetupPanel
        email={mailbox.email}
        enabled={summary.enabled}
        setup={setup}
        enabledView={
          summary.enabledAt ? (
            <div className="card">
              <p data-testid="two-factor-state">
                {TEXT.onSince} <LocalTime at={summary.enabledAt.toISOString()} />. {TEXT.codesLeft(summary.recoveryCodesLeft)}
              </p>
              <p>{TEXT.mailApps}</p>
              <RegenerateRecoveryCodesForm email={mailbox.email} />
              {summary.required ? <p>{TEXT.requiredOn}</p> : <DisableTwoFactorForm />}
            </div>
          ) : null
        }
      />
    </main>
  );
}

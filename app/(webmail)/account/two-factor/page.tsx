import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { requireMailbox } from '@/lib/session/dal';
import { mailboxTotpSetupView, mailboxTwoFactorSummary } from '@/lib/mailboxes/two-factor';
import { LocalTime } from '@/app/_components/local-time';
import { DisableTwoFactorForm } from './disable-form';
import { RegenerateRecoveryCodesForm } from './regenerate-codes-form';
import { MailboxSetupPanel } from './setup-panel';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('MailboxTwoFactor'))('metaTitle') };
}

/**
 * The mailbox's own two-factor (spec §20): setup, state, turning it off. The only page (with sign-out) open to
 * a mailbox whose account requires two-factor and that has none.
 */
export default async function MailboxTwoFactorPage() {
  const { mailbox } = await requireMailbox('enrolment');
  const summary = await mailboxTwoFactorSummary(mailbox.id);
  const t = await getTranslations('MailboxTwoFactor');
  const view = summary.enabled ? null : await mailboxTotpSetupView(mailbox);
  // The QR code as a data URL: no inline markup, so the page's CSP holds.
  const setup = view ? { secret: view.secret, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(view.qrSvg).toString('base64')}` } : null;
  return (
    <main className="narrow">
      {mailbox.twoFactorEnrolmentRequired ? null : (
        <p>
          <Link href="/account">{t('back')}</Link>
        </p>
      )}
      <h1>{t('heading')}</h1>
      {mailbox.twoFactorEnrolmentRequired ? (
        <p className="notice" role="status">
          {t('required')}
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
                {t.rich('onSince', { time: () => <LocalTime at={summary.enabledAt!.toISOString()} /> })} {t('codesLeft', { count: summary.recoveryCodesLeft })}
              </p>
              <p>{t('mailApps')}</p>
              <RegenerateRecoveryCodesForm email={mailbox.email} />
              {summary.required ? <p>{t('requiredOn')}</p> : <DisableTwoFactorForm />}
            </div>
          ) : null
        }
      />
    </main>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { totpSetupView, twoFactorSummary } from '@/lib/admins/two-factor';
import { requireAdmin } from '@/lib/session/dal';
import { AdminHeader } from '../_components/admin-header';
import { SetupPanel } from './setup-panel';
import { AddPasskeyForm } from '../(console)/security/passkey-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('TwoFactorSetup'))('metaTitle') };
}

/**
 * Authenticator setup: outside the console's layout, because an admin whose account requires two-factor
 * and who has none can open this page and nothing else. Such an admin gets the header without links
 * (they would only lead back here); every other admin gets the console's links and a way back.
 */
export default async function TwoFactorSetupPage() {
  const { admin } = await requireAdmin('enrolment');
  const summary = await twoFactorSummary(admin.id);
  const t = await getTranslations('TwoFactorSetup');
  const view = summary.totpEnabled ? null : await totpSetupView(admin);
  // The QR code as a data URL: no inline markup, so the page's CSP holds.
  const setup = view ? { secret: view.secret, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(view.qrSvg).toString('base64')}` } : null;
  return (
    <>
      <AdminHeader email={admin.email} links={!admin.enrolmentRequired} />
      <main className="narrow">
        {admin.enrolmentRequired ? null : (
          <p>
            <Link href="/admin/security">{t('back')}</Link>
          </p>
        )}
        <h1>{t('heading')}</h1>
        {admin.enrolmentRequired ? (
          <p className="notice" role="status">
            {t('required')}
          </p>
        ) : null}
        <SetupPanel
          email={admin.email}
          enabled={summary.totpEnabled}
          setup={setup}
          next={admin.enrolmentRequired ? '/admin/mailboxes' : '/admin/security?notice=two-factor-on'}
          passkey={
            <section className="card" aria-labelledby="passkey-heading">
              <h2 id="passkey-heading">{t('passkeyHeading')}</h2>
              <p>{t('passkeyText')}</p>
              <AddPasskeyForm next={admin.enrolmentRequired ? 'mailboxes' : 'security'} />
            </section>
          }
        />
      </main>
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { totpSetupView, twoFactorSummary } from '@/lib/admins/two-factor';
import { requireAdmin } from '@/lib/session/dal';
import { AdminHeader } from '../_components/admin-header';
import { SetupPanel } from './setup-panel';
import { AddPasskeyForm } from '../(console)/security/passkey-forms';

export const metadata: Metadata = { title: 'Set up two-factor' };

/** Wording of the page (one place, for the translations of spec §22). */
const TEXT = {
  back: '← Back to Security',
  heading: 'Set up two-factor',
  required: 'Your account requires two-factor for every admin. Set it up to continue, or sign out and come back later.',
  passkeyHeading: 'Or add a passkey',
  passkeyText: "A passkey (this device's screen lock, a phone or a security key) counts as two-factor too.",
};

/**
 * Authenticator setup: outside the console's layout, because an admin whose account requires two-factor
 * and who has none can open this page and nothing else. Such an admin gets the header without links
 * (they would only lead back here); every other admin gets the console's links and a way back.
 */
export default async function TwoFactorSetupPage() {
  const { admin } = await requireAdmin('enrolment');
  const summary = await twoFactorSummary(admin.id);
  const view = summary.totpEnabled ? null : await totpSetupView(admin);
  // The QR code as a data URL: no inline markup, so the page's CSP holds.
  const setup = view ? { secret: view.secret, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(view.qrSvg).toString('base64')}` } : null;
  return (
    <>
      <AdminHeader email={admin.email} links={!admin.enrolmentRequired} />
      <main className="narrow">
        {admin.enrolmentRequired ? null : (
          <p>
            <Link href="/admin/security">{TEXT.back}</Link>
          </p>
        )}
        <h1>{TEXT.heading}</h1>
        {admin.enrolmentRequired ? (
          <p className="notice" role="status">
            {TEXT.required}
          </p>
        ) : null}
        <SetupPanel
          email={admin.email}
          enabled={summary.totpEnabled}
          setup={setup}
          next={admin.enrolmentRequired ? '/admin/mailboxes' : '/admin/security?notice=two-factor-on'}
          passkey={
            <section className="card" aria-labelledby="passkey-heading">
              <h2 id="passkey-heading">{TEXT.passkeyHeading}</h2>
              <p>{TEXT.passkeyText}</p>
              <AddPasskeyForm next={admin.enrolmentRequired ? 'mailboxes' : 'security'} />
            </section>
          }
        />
      </main>
    </>
  );
}

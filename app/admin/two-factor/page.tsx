import type { Metadata } from 'next';
import { totpSetupView, twoFactorSummary } from '@/lib/admins/two-factor';
import { requireAdmin } from '@/lib/auth/dal';
import { adminSignOutAction } from '../(console)/actions';
import { SetupPanel } from './setup-panel';
import { AddPasskeyForm } from '../(console)/security/passkey-forms';

export const metadata: Metadata = { title: 'Set up two-factor' };

/**
 * Authenticator setup: outside the console's layout, because an admin whose account requires two-factor
 * and who has none can open this page and nothing else.
 */
export default async function TwoFactorSetupPage() {
  const { admin } = await requireAdmin('enrolment');
  const summary = await twoFactorSummary(admin.id);
  const view = summary.totpEnabled ? null : await totpSetupView(admin);
  // The QR code as a data URL: no inline markup, so the page's CSP holds.
  const setup = view ? { secret: view.secret, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(view.qrSvg).toString('base64')}` } : null;
  return (
    <main className="narrow">
      <h1>Set up two-factor</h1>
      {admin.enrolmentRequired ? (
        <p className="notice" role="status">
          Your account requires two-factor for every admin. Set it up to continue.
        </p>
      ) : null}
      <SetupPanel email={admin.email} enabled={summary.totpEnabled} setup={setup} next={admin.enrolmentRequired ? '/admin/mailboxes' : '/admin/security?notice=two-factor-on'} />
      {summary.totpEnabled ? null : (
        <section className="card" aria-labelledby="passkey-heading">
          <h2 id="passkey-heading">Or add a passkey</h2>
          <p>A passkey (this device&apos;s screen lock, a phone or a security key) counts as two-factor too.</p>
          <AddPasskeyForm next={admin.enrolmentRequired ? 'mailboxes' : 'security'} />
        </section>
      )}
      <form action={adminSignOutAction}>
        <button type="submit" className="link">
          Sign out
        </button>
      </form>
    </main>
  );
}

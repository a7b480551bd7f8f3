import type { Metadata } from 'next';
import { requirePendingAdmin } from '@/lib/session/dal';
import { twoFactorSummary } from '@/lib/admins/two-factor';
import { cancelVerifyAction } from './actions';
import { PasskeySignIn } from './passkey-sign-in';
import { VerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Two-factor verification' };

/** The second step of an admin sign-in: only reachable with a session that passed the password step. */
export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { admin } = await requirePendingAdmin();
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === 'string' ? params.callbackUrl : '/admin/mailboxes';
  // The page is only ever seen after the right password, so it may offer exactly the admin's factors.
  const factors = await twoFactorSummary(admin.id);
  const codes = factors.totpEnabled || factors.recoveryCodesLeft > 0;
  return (
    <main className="narrow">
      <h1>Two-factor verification</h1>
      <p>
        Signing in as <strong>{admin.email}</strong>. {factors.hasPasskey && codes ? 'Use a passkey or enter a code' : factors.hasPasskey ? 'Use a passkey' : 'Enter a code'} to finish signing in.
      </p>
      {factors.hasPasskey ? (
        <div className="card">
          <h2>Passkey</h2>
          <PasskeySignIn callbackUrl={callbackUrl} />
          <noscript>
            <p>Passkeys need JavaScript in this browser.{codes ? ' You can enter a code instead.' : ''}</p>
          </noscript>
        </div>
      ) : null}
      {codes || !factors.hasPasskey ? (
        <div className="card">
          {factors.hasPasskey ? <h2>Code</h2> : null}
          <VerifyForm callbackUrl={callbackUrl} />
        </div>
      ) : null}
      <form action={cancelVerifyAction}>
        <button type="submit" className="link">
          Cancel and start again
        </button>
      </form>
    </main>
  );
}

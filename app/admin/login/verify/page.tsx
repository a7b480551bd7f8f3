import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requirePendingAdmin } from '@/lib/session/dal';
import { twoFactorSummary } from '@/lib/admins/two-factor';
import { cancelVerifyAction } from './actions';
import { PasskeySignIn } from './passkey-sign-in';
import { VerifyForm } from '@/app/_components/verify-form';
import { verifyCodeAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Verify'))('metaTitle') };
}

/** The second step of an admin sign-in: only reachable with a session that passed the password step. */
export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { admin } = await requirePendingAdmin();
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === 'string' ? params.callbackUrl : '/admin/mailboxes';
  // The page is only ever seen after the right password, so it may offer exactly the admin's factors.
  const factors = await twoFactorSummary(admin.id);
  const codes = factors.totpEnabled || factors.recoveryCodesLeft > 0;
  const t = await getTranslations('Verify');
  return (
    <main className="narrow">
      <h1>{t('heading')}</h1>
      <p>
        {t.rich('signingInAs', { email: admin.email, strong: (text) => <strong>{text}</strong> })}{' '}
        {factors.hasPasskey && codes ? t('passkeyOrCode') : factors.hasPasskey ? t('passkeyOnly') : t('codeOnly')}
      </p>
      {factors.hasPasskey ? (
        <div className="card">
          <h2>{t('passkeyHeading')}</h2>
          <PasskeySignIn callbackUrl={callbackUrl} />
          <noscript>
            <p>
              {t('passkeyNeedsScript')}
              {codes ? ` ${t('codeInstead')}` : ''}
            </p>
          </noscript>
        </div>
      ) : null}
      {codes || !factors.hasPasskey ? (
        <div className="card">
          {factors.hasPasskey ? <h2>{t('codeHeading')}</h2> : null}
          <VerifyForm callbackUrl={callbackUrl} action={verifyCodeAction} />
        </div>
      ) : null}
      <form action={cancelVerifyAction}>
        <button type="submit" className="link">
          {t('cancel')}
        </button>
      </form>
    </main>
  );
}

import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { LoginForm } from '@/app/(auth)/login/login-form';
import { adminSignInAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminLogin'))('metaTitle') };
}

export default async function AdminLoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === 'string' ? params.callbackUrl : '/admin/mailboxes';
  const [t, tAuth] = await Promise.all([getTranslations('AdminLogin'), getTranslations('Auth')]);
  return (
    <main className="narrow">
      <h1>{t('heading')}</h1>
      {params.ended ? (
        <p className="notice" role="status">
          {tAuth('sessionEnded')}
        </p>
      ) : null}
      {params.signedOut ? (
        <p className="notice" role="status">
          {t('signedOut')}
        </p>
      ) : null}
      <div className="card">
        <LoginForm callbackUrl={callbackUrl} action={adminSignInAction} emailLabel={t('email')} />
      </div>
      <p className="muted">{t.rich('mailboxHint', { link: (text) => <a href="/login">{text}</a> })}</p>
    </main>
  );
}

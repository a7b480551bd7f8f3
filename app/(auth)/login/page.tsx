import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requestInfo } from '@/lib/session/dal';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { LoginForm } from './login-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Login'))('metaTitle') };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const { clientIp } = await requestInfo();
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  const [t, tAuth] = await Promise.all([getTranslations('Login'), getTranslations('Auth')]);
  return (
    <main className="narrow">
      <h1>{t('heading')}</h1>
      {params.ended ? (
        <p className="notice" role="status">
          {tAuth('sessionEnded')}
        </p>
      ) : null}
      <div className="card">
        <LoginForm callbackUrl={callbackUrl} />
      </div>
      <p className="muted">
        {t('yourAddress')} <span className="mono" data-testid="client-ip">{clientIp ?? t('unknownAddress')}</span>
      </p>
    </main>
  );
}

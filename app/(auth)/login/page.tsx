import type { Metadata } from 'next';
import { requestInfo } from '@/lib/session/dal';
import { SESSION_ENDED } from '@/lib/auth/messages';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const { clientIp } = await requestInfo();
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  return (
    <main className="narrow">
      <h1>Sign in to webmail</h1>
      {params.ended ? (
        <p className="notice" role="status">
          {SESSION_ENDED}
        </p>
      ) : null}
      <div className="card">
        <LoginForm callbackUrl={callbackUrl} />
      </div>
      <p className="muted">
        Your IP address: <span className="mono" data-testid="client-ip">{clientIp ?? 'unknown'}</span>
      </p>
    </main>
  );
}

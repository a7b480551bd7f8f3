import type { Metadata } from 'next';
import { SESSION_ENDED } from '@/lib/auth/messages';
import { LoginForm } from '@/app/(auth)/login/login-form';
import { adminSignInAction } from './actions';

export const metadata: Metadata = { title: 'Admin sign-in' };

export default async function AdminLoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === 'string' ? params.callbackUrl : '/admin/mailboxes';
  return (
    <main className="narrow">
      <h1>Business admin sign-in</h1>
      {params.ended ? (
        <p className="notice" role="status">
          {SESSION_ENDED}
        </p>
      ) : null}
      {params.signedOut ? (
        <p className="notice" role="status">
          You have signed out.
        </p>
      ) : null}
      <div className="card">
        <LoginForm callbackUrl={callbackUrl} action={adminSignInAction} emailLabel="Admin email address" />
      </div>
      <p className="muted">
        Signing in to a mailbox? Use the <a href="/login">webmail sign-in</a>.
      </p>
    </main>
  );
}

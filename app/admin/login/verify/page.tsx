import type { Metadata } from 'next';
import { requirePendingAdmin } from '@/lib/auth/dal';
import { cancelVerifyAction } from './actions';
import { VerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Two-factor verification' };

/** The second step of an admin sign-in: only reachable with a session that passed the password step. */
export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { admin } = await requirePendingAdmin();
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === 'string' ? params.callbackUrl : '/admin/mailboxes';
  return (
    <main className="narrow">
      <h1>Two-factor verification</h1>
      <p>
        Signing in as <strong>{admin.email}</strong>. Enter a code to finish signing in.
      </p>
      <div className="card">
        <VerifyForm callbackUrl={callbackUrl} />
      </div>
      <form action={cancelVerifyAction}>
        <button type="submit" className="link">
          Cancel and start again
        </button>
      </form>
    </main>
  );
}

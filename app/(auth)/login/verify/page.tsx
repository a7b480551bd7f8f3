import type { Metadata } from 'next';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { requirePendingMailbox } from '@/lib/session/dal';
import { cancelMailboxVerifyAction } from './actions';
import { MailboxVerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Two-factor verification' };

/** Wording of the page (one place, for the translations of spec §22). */
const TEXT = {
  heading: 'Two-factor verification',
  signingIn: 'Signing in as',
  enterCode: 'Enter a code to finish signing in.',
  cancel: 'Cancel and start again',
};

/** The second step of a mailbox sign-in: only reachable with a session that passed the password step. */
export default async function MailboxVerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { mailbox } = await requirePendingMailbox();
  const params = await searchParams;
  return (
    <main className="narrow">
      <h1>{TEXT.heading}</h1>
      <p>
        {TEXT.signingIn} <strong>{mailbox.email}</strong>. {TEXT.enterCode}
      </p>
      <div className="card">
        <MailboxVerifyForm callbackUrl={safeCallbackPath(params.callbackUrl)} />
      </div>
      <form action={cancelMailboxVerifyAction}>
        <button type="submit" className="link">
          {TEXT.cancel}
        </button>
      </form>
    </main>
  );
}

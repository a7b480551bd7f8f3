import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { requireMailbox } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { SignOutButton } from '../sign-out/sign-out-button';
import { forcedPasswordChangeAction } from './actions';
import { PasswordChangeForm } from './password-change-form';

export const metadata: Metadata = { title: 'Change your password' };

export default async function ChangePasswordPage() {
  const session = await requireMailbox('password-choice');
  if (!session.mailbox.requireResetPassword) redirect('/mail');
  return (
    <main className="narrow">
      <h1>Choose a new password</h1>
      <p>
        Your administrator requires a new password for <strong>{session.mailbox.email}</strong> before you can continue. Once you
        have chosen it, you can read your mail again, on the web and in your mail apps.
      </p>
      <div className="card">
        <PasswordChangeForm action={forcedPasswordChangeAction} askCurrent={false} minLength={env().PASSWORD_MIN_LENGTH} />
      </div>
      {/* A <form> may not sit inside a <p>: the browser would split the paragraph and React's hydration fail. */}
      <div>
        <SignOutButton />
      </div>
    </main>
  );
}

import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { requireAdmin } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { adminSignOutAction } from '../(console)/actions';
import { chooseAdminPasswordAction } from './actions';

export const metadata: Metadata = { title: 'Choose your password' };

export default async function ChooseAdminPasswordPage() {
  const { admin } = await requireAdmin('password-choice');
  if (!admin.mustChangePassword) redirect('/admin/mailboxes');
  return (
    <main className="narrow">
      <h1>Choose your password</h1>
      <p>
        You signed in as <strong>{admin.email}</strong> with the initial password another admin gave you. Choose your own password to continue.
      </p>
      <div className="card">
        <PasswordChangeForm action={chooseAdminPasswordAction} askCurrent={false} minLength={env().PASSWORD_MIN_LENGTH} />
      </div>
      <form action={adminSignOutAction}>
        <button type="submit" className="link">
          Sign out
        </button>
      </form>
    </main>
  );
}

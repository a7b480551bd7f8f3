import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { requireAdmin } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { adminSignOutAction } from '../(console)/actions';
import { chooseAdminPasswordAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('ChoosePassword'))('metaTitle') };
}

export default async function ChooseAdminPasswordPage() {
  const { admin } = await requireAdmin('password-choice');
  if (!admin.mustChangePassword) redirect('/admin/mailboxes');
  const [t, tSignOut] = await Promise.all([getTranslations('ChoosePassword'), getTranslations('SignOut')]);
  return (
    <main className="narrow">
      <h1>{t('heading')}</h1>
      <p>{t.rich('intro', { email: admin.email, strong: (text) => <strong>{text}</strong> })}</p>
      <div className="card">
        <PasswordChangeForm action={chooseAdminPasswordAction} askCurrent={false} minLength={env().PASSWORD_MIN_LENGTH} />
      </div>
      <form action={adminSignOutAction}>
        <button type="submit" className="link">
          {tSignOut('button')}
        </button>
      </form>
    </main>
  );
}

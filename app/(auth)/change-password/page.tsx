import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { requireMailbox } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { SignOutButton } from '../sign-out/sign-out-button';
import { forcedPasswordChangeAction } from './actions';
import { PasswordChangeForm } from './password-change-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('ChangePassword'))('metaTitle') };
}

export default async function ChangePasswordPage() {
  const session = await requireMailbox('password-choice');
  if (!session.mailbox.requireResetPassword) redirect('/mail');
  const t = await getTranslations('ChangePassword');
  return (
    <main className="narrow">
      <h1>{t('heading')}</h1>
      <p>{t.rich('intro', { email: session.mailbox.email, strong: (text) => <strong>{text}</strong> })}</p>
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

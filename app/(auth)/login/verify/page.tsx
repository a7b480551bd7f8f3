import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { requirePendingMailbox } from '@/lib/session/dal';
import { cancelMailboxVerifyAction } from './actions';
import { VerifyForm } from '@/app/_components/verify-form';
import { verifyMailboxCodeAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Verify'))('metaTitle') };
}

/** The second step of a mailbox sign-in: only reachable with a session that passed the password step. */
export default async function MailboxVerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { mailbox } = await requirePendingMailbox();
  const params = await searchParams;
  const t = await getTranslations('Verify');
  return (
    <main className="narrow">
      <h1>{t('heading')}</h1>
      <p>
        {t.rich('signingInAs', { email: mailbox.email, strong: (text) => <strong>{text}</strong> })} {t('codeOnly')}
      </p>
      <div className="card">
        <VerifyForm callbackUrl={safeCallbackPath(params.callbackUrl)} action={verifyMailboxCodeAction} />
      </div>
      <form action={cancelMailboxVerifyAction}>
        <button type="submit" className="link">
          {t('cancel')}
        </button>
      </form>
    </main>
  );
}

import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { mailboxTwoFactorSummary } from '@/lib/mailboxes/two-factor';
import { requirePendingMailbox } from '@/lib/session/dal';
import { cancelMailboxVerifyAction, mailboxPasskeySignInOptionsAction, verifyMailboxCodeAction, verifyMailboxPasskeyAction } from './actions';
import { SecondStep } from '@/app/_components/second-step';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Verify'))('metaTitle') };
}

/** The second step of a mailbox sign-in: only reachable with a session that passed the password step. */
export default async function MailboxVerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { mailbox } = await requirePendingMailbox();
  const params = await searchParams;
  const factors = await mailboxTwoFactorSummary(mailbox.id);
  return (
    <SecondStep
      email={mailbox.email}
      hasPasskey={factors.hasPasskey}
      codes={factors.totpEnabled || factors.recoveryCodesLeft > 0}
      callbackUrl={safeCallbackPath(params.callbackUrl)}
      codeAction={verifyMailboxCodeAction}
      passkeyOptionsAction={mailboxPasskeySignInOptionsAction}
      passkeyAction={verifyMailboxPasskeyAction}
      cancelAction={cancelMailboxVerifyAction}
    />
  );
}

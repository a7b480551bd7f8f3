import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requirePendingAdmin } from '@/lib/session/dal';
import { twoFactorSummary } from '@/lib/admins/two-factor';
import { cancelVerifyAction, passkeySignInOptionsAction, verifyCodeAction, verifyPasskeyAction } from './actions';
import { SecondStep } from '@/app/_components/second-step';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Verify'))('metaTitle') };
}

/** The second step of an admin sign-in: only reachable with a session that passed the password step. */
export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { admin } = await requirePendingAdmin();
  const params = await searchParams;
  const factors = await twoFactorSummary(admin.id);
  return (
    <SecondStep
      email={admin.email}
      hasPasskey={factors.hasPasskey}
      codes={factors.totpEnabled || factors.recoveryCodesLeft > 0}
      callbackUrl={typeof params.callbackUrl === 'string' ? params.callbackUrl : '/admin/mailboxes'}
      codeAction={verifyCodeAction}
      passkeyOptionsAction={passkeySignInOptionsAction}
      passkeyAction={verifyPasskeyAction}
      cancelAction={cancelVerifyAction}
    />
  );
}

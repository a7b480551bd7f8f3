import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { listDomains } from '@/lib/accounts/service';
import { requireAdmin } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { netSetNames } from '@/lib/netsets/service';
import { CreateMailboxForm } from './create-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('NewMailbox'))('metaTitle') };
}

export default async function NewMailboxPage() {
  const { scope, admin } = await requireAdmin();
  const domains = await listDomains(scope);
  // The live check knows the account's sets, so @name is judged as the server will judge it.
  const setNames = await netSetNames(admin.accountId);
  const t = await getTranslations('NewMailbox');
  return (
    <main className="narrow-form">
      <h1>{t('heading')}</h1>
      <div className="card">
        {domains.length === 0 ? <p>{t('noDomain')}</p> : <CreateMailboxForm domains={domains} minLength={env().PASSWORD_MIN_LENGTH} setNames={setNames} />}
      </div>
    </main>
  );
}

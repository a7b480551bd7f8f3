import type { Metadata } from 'next';
import { listDomains } from '@/lib/accounts/service';
import { requireAdmin } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { netSetNames } from '@/lib/netsets/service';
import { CreateMailboxForm } from './create-form';

export const metadata: Metadata = { title: 'New mailbox' };

export default async function NewMailboxPage() {
  const { scope, admin } = await requireAdmin();
  const domains = await listDomains(scope);
  // The live check knows the account's sets, so @name is judged as the server will judge it.
  const setNames = await netSetNames(admin.accountId);
  return (
    <main className="narrow-form">
      <h1>New mailbox</h1>
      <div className="card">
        {domains.length === 0 ? <p>Your account has no domain yet; ask your provider to add one.</p> : <CreateMailboxForm domains={domains} minLength={env().PASSWORD_MIN_LENGTH} setNames={setNames} />}
      </div>
    </main>
  );
}

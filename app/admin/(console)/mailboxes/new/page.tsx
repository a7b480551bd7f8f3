import type { Metadata } from 'next';
import { listDomains } from '@/lib/accounts/service';
import { requireAdmin } from '@/lib/auth/dal';
import { env } from '@/lib/env';
import { CreateMailboxForm } from './create-form';

export const metadata: Metadata = { title: 'New mailbox' };

export default async function NewMailboxPage() {
  const { scope } = await requireAdmin();
  const domains = await listDomains(scope);
  return (
    <main className="narrow-form">
      <h1>New mailbox</h1>
      <div className="card">
        {domains.length === 0 ? <p>Your account has no domain yet; ask your provider to add one.</p> : <CreateMailboxForm domains={domains} minLength={env().PASSWORD_MIN_LENGTH} />}
      </div>
    </main>
  );
}

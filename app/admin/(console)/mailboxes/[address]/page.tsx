import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { recentSignIns } from '@/lib/audit';
import { requireAdmin } from '@/lib/auth/dal';
import { env } from '@/lib/env';
import { DomainError } from '@/lib/errors';
import { impactSignIns } from '@/lib/mailboxes/impact';
import { getMailbox } from '@/lib/mailboxes/service';
import type { MailboxView } from '@/lib/mailboxes/view';
import { formatTime } from '@/app/_components/labels';
import { SignInHistory } from '@/app/_components/sign-in-history';
import { mailboxParam } from '../mailbox-href';
import { MailboxForm } from './mailbox-form';
import { ENTRY_ROWS_SHOWN, settingsOf } from './mailbox-settings';
import { PasswordForm } from './password-form';
import { netSetContents } from '@/lib/netsets/service';
import { networkSuggestions, renderTime, wouldRefuseSummary } from '@/lib/netsets/suggestions';
import { WouldRefuse } from './would-refuse';

export const metadata: Metadata = { title: 'Mailbox' };

export default async function AdminMailboxPage({ params, searchParams }: { params: Promise<{ address: string }>; searchParams: Promise<{ created?: string; entries?: string }> }) {
  const { scope, clientIp, admin } = await requireAdmin();
  const email = mailboxParam((await params).address);
  let mailbox: MailboxView;
  try {
    mailbox = getMailbox(scope, email);
  } catch (error) {
    // Another account's mailbox, a missing one and a malformed address all look the same.
    if (error instanceof DomainError) notFound();
    throw error;
  }
  const { created, entries } = await searchParams;
  // Long lists show the first rows of labels and expiry; "Show all" (a link, so it works without JavaScript) renders every row.
  const rowLimit = entries === 'all' ? null : ENTRY_ROWS_SHOWN;
  const impact = impactSignIns(scope, mailbox.email);
  const recent = recentSignIns(mailbox.id, 20);
  const now = renderTime();
  const sets = netSetContents(admin.accountId);
  const suggestions = networkSuggestions(admin.accountId, mailbox.id);
  const wouldRefuse = wouldRefuseSummary(admin.accountId, mailbox.id);
  return (
    <main className="wide">
      <p>
        <Link href="/admin/mailboxes">← All mailboxes</Link>
      </p>
      <h1>{mailbox.email}</h1>
      {created ? (
        <p className="notice" role="status">
          Mailbox created.
        </p>
      ) : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>{mailbox.active ? 'Active' : 'Inactive'}</dd>
        <dt>Allowed networks</dt>
        <dd className="mono">
          {mailbox.allowNets ?? 'no restriction'}
          {mailbox.allowNets !== null && mailbox.allowNetsMode === 'monitor' ? <span className="badge"> (monitor mode: not enforced)</span> : null}
        </dd>
        <dt>Password change pending</dt>
        <dd>{mailbox.requireResetPassword ? 'Yes' : 'No'}</dd>
        <dt>Last sign-in</dt>
        <dd>
          {formatTime(mailbox.lastLoginAt)}
          {mailbox.lastLoginIp ? <span className="mono"> from {mailbox.lastLoginIp}</span> : null}
        </dd>
        <dt>Password last changed</dt>
        <dd>{formatTime(mailbox.passwordChangedAt)}</dd>
        <dt>Created</dt>
        <dd>{formatTime(mailbox.createdAt)}</dd>
        <dt>Last changed</dt>
        <dd>{formatTime(mailbox.updatedAt)}</dd>
      </dl>
      <div className="card">
        <MailboxForm
          email={mailbox.email}
          settings={settingsOf(mailbox, rowLimit)}
          rowLimit={rowLimit}
          clientIp={clientIp}
          signIns={impact.groups}
          signInsTruncated={impact.truncated}
          sets={sets}
          suggestions={suggestions}
          now={now}
        />
      </div>
      <WouldRefuse summary={wouldRefuse} mode={mailbox.allowNetsMode} />
      <div className="card">
        <PasswordForm email={mailbox.email} minLength={env().PASSWORD_MIN_LENGTH} />
      </div>
      <section className="card" aria-labelledby="signins-heading">
        <h2 id="signins-heading">Recent sign-ins</h2>
        <SignInHistory events={recent} empty="No sign-in attempts recorded yet." testId="recent-sign-ins" />
        <p>
          <Link href={`/admin/audit?mailbox=${encodeURIComponent(mailbox.email)}`}>Full history in the audit log</Link>
        </p>
      </section>
    </main>
  );
}

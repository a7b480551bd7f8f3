import type { Metadata } from 'next';
import Link from 'next/link';
import { requireAdmin } from '@/lib/session/dal';
import { mailboxCounts, mostRefusedAddresses, signInsPerDay } from '@/lib/sign-in-stats';
import { SIGN_IN_RESULTS } from '@/app/_components/labels';
import { LocalTime } from '@/app/_components/local-time';
import { SignInChart } from '@/app/_components/sign-in-chart';
import { mailKickEnabled, pendingKicks } from '@/lib/mail-kick/outbox';
import { scopeAccountId } from '@/lib/scope';
import { FailingDestinationsLine } from './notifications/failing-line';
import { MailKickOff } from '@/app/admin/_components/mail-kick-off';
import { PasswordAges } from './password-ages';

export const metadata: Metadata = { title: 'Overview' };

const REFUSED_DAYS = 7;

/** The audit log filtered to one address's refused sign-ins of the period the table covers. */
function auditHref(clientIp: string, now: Date): string {
  const from = new Date(now.getTime() - REFUSED_DAYS * 86_400_000).toISOString().slice(0, 10);
  return `/admin/audit?${new URLSearchParams({ event: 'login_failed', ip: clientIp, from }).toString()}`;
}

/** The refused-addresses columns: headers, and the field labels of the cards they become on phones. */
const REFUSED_COLUMNS = { address: 'Address', refused: 'Refused sign-ins', reason: 'Most common reason', last: 'Last attempt' } as const;

export default async function AdminOverviewPage() {
  const { scope } = await requireAdmin();
  const now = new Date();
  const days = await signInsPerDay(scope, { days: 30, now });
  const counts = await mailboxCounts(scope);
  const refused = await mostRefusedAddresses(scope, { days: REFUSED_DAYS, limit: 10, now });
  // Operators see every account's undelivered disconnects; an account's admins their own.
  const kicks = await pendingKicks(scopeAccountId(scope) ?? undefined);
  const countItems = [
    { key: 'total', label: 'mailboxes', n: counts.total, href: '/admin/mailboxes' },
    { key: 'restricted', label: 'restricted to networks', n: counts.restricted, href: '/admin/mailboxes?filter=restricted' },
    { key: 'reset', label: 'password change pending', n: counts.resetPending, href: '/admin/mailboxes?filter=reset_pending' },
    { key: 'inactive', label: 'inactive', n: counts.inactive, href: '/admin/mailboxes?filter=inactive' },
  ];
  return (
    <main className="wide">
      <h1>Overview</h1>
      <section aria-labelledby="signins-heading" className="card">
        <h2 id="signins-heading">Sign-ins, last 30 days</h2>
        <SignInChart days={days} title="Sign-ins per day, last 30 days" />
      </section>
      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading">Mailboxes</h2>
        <ul className="overview-counts" data-testid="overview-counts">
          {countItems.map((c) => (
            <li key={c.key} data-testid={`count-${c.key}`}>
              <Link href={c.href}>
                <span className="count">{c.n}</span> {c.label}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <PasswordAges scope={scope} />
      <section aria-labelledby="mail-connections-heading" data-testid="mail-connections">
        <h2 id="mail-connections-heading">Open mail connections</h2>
        {mailKickEnabled() ? null : <MailKickOff />}
        {kicks.pending === 0 ? (
          mailKickEnabled() ? <p>Every change that took access away has ended its mailboxes&apos; open mail connections.</p> : null
        ) : (
          <p className={kicks.failing > 0 ? 'alert' : undefined} data-testid="mail-kicks-pending">
            {kicks.pending} {kicks.pending === 1 ? 'disconnect is' : 'disconnects are'} waiting for the mail server
            {kicks.oldestAt ? <>, the oldest since <LocalTime at={kicks.oldestAt} /></> : null}
            {kicks.failing > 0 ? <>; it answers with an error ({kicks.lastError ?? 'no answer'}), and Portcullis tries again every 30 seconds at most. Until then those mailboxes&apos; mail apps stay connected.</> : '.'}
          </p>
        )}
      </section>
      {scope.kind === 'account' ? <FailingDestinationsLine accountId={scope.accountId} /> : null}
      <section aria-labelledby="refused-heading">
        <h2 id="refused-heading">Addresses refused most, last {REFUSED_DAYS} days</h2>
        {refused.length === 0 ? (
          <p>No refused sign-ins in the last {REFUSED_DAYS} days.</p>
        ) : (
          <div>
            <table data-testid="refused-addresses" className="stack">
              <thead>
                <tr>
                  <th scope="col">{REFUSED_COLUMNS.address}</th>
                  <th scope="col">{REFUSED_COLUMNS.refused}</th>
                  <th scope="col">{REFUSED_COLUMNS.reason}</th>
                  <th scope="col">{REFUSED_COLUMNS.last}</th>
                </tr>
              </thead>
              <tbody>
                {refused.map((r) => (
                  <tr key={r.clientIp}>
                    <td className="mono" data-label={REFUSED_COLUMNS.address}>
                      <Link href={auditHref(r.clientIp, now)} aria-label={`${r.clientIp}: refused sign-ins in the audit log`}>
                        {r.clientIp}
                      </Link>
                    </td>
                    <td data-label={REFUSED_COLUMNS.refused}>{r.refused}</td>
                    <td data-label={REFUSED_COLUMNS.reason}>{(SIGN_IN_RESULTS[r.topReason] ?? r.topReason).replace(/^refused: /, '')}</td>
                    <td data-label={REFUSED_COLUMNS.last}><LocalTime at={r.lastAt} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}

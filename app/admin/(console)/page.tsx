import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { requireAdmin } from '@/lib/session/dal';
import { mailboxCounts, mostRefusedAddresses, signInsPerDay } from '@/lib/sign-in-stats';
import { reasonWords, SIGN_IN_REASON_TEXTS } from '@/app/_components/sign-in-reason';
import { LocalTime } from '@/app/_components/local-time';
import { SignInChart } from '@/app/_components/sign-in-chart';
import { mailKickEnabled, pendingKicks } from '@/lib/mail-kick/outbox';
import { scopeAccountId } from '@/lib/scope';
import { FailingDestinationsLine } from './notifications/failing-line';
import { MailKickOff } from '@/app/admin/_components/mail-kick-off';
import { PasswordAges } from './password-ages';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Overview'))('metaTitle') };
}

const REFUSED_DAYS = 7;

/** The audit log filtered to one address's refused sign-ins of the period the table covers. */
function auditHref(clientIp: string, now: Date): string {
  const from = new Date(now.getTime() - REFUSED_DAYS * 86_400_000).toISOString().slice(0, 10);
  return `/admin/audit?${new URLSearchParams({ event: 'login_failed', ip: clientIp, from }).toString()}`;
}

export default async function AdminOverviewPage() {
  const { scope } = await requireAdmin();
  const now = new Date();
  const days = await signInsPerDay(scope, { days: 30, now });
  const counts = await mailboxCounts(scope);
  const refused = await mostRefusedAddresses(scope, { days: REFUSED_DAYS, limit: 10, now });
  // Operators see every account's undelivered disconnects; an account's admins their own.
  const kicks = await pendingKicks(scopeAccountId(scope) ?? undefined);
  const [t, tr] = await Promise.all([getTranslations('Overview'), getTranslations(SIGN_IN_REASON_TEXTS)]);
  // The refused-addresses columns: headers, and the field labels of the cards they become on phones.
  const REFUSED_COLUMNS = { address: t('colAddress'), refused: t('colRefused'), reason: t('colReason'), last: t('colLast') };
  const countItems = [
    { key: 'total', label: t('countTotal', { count: counts.total }), n: counts.total, href: '/admin/mailboxes' },
    { key: 'restricted', label: t('countRestricted'), n: counts.restricted, href: '/admin/mailboxes?filter=restricted' },
    { key: 'reset', label: t('countReset'), n: counts.resetPending, href: '/admin/mailboxes?filter=reset_pending' },
    { key: 'inactive', label: t('countInactive'), n: counts.inactive, href: '/admin/mailboxes?filter=inactive' },
  ];
  return (
    <main className="wide">
      <h1>{t('heading')}</h1>
      <section aria-labelledby="signins-heading" className="card">
        <h2 id="signins-heading">{t('signInsHeading')}</h2>
        <SignInChart days={days} title={t('chartTitle')} />
      </section>
      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading">{t('mailboxesHeading')}</h2>
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
        <h2 id="mail-connections-heading">{t('connectionsHeading')}</h2>
        {mailKickEnabled() ? null : <MailKickOff />}
        {kicks.pending === 0 ? (
          mailKickEnabled() ? <p>{t('connectionsDone')}</p> : null
        ) : (
          <p className={kicks.failing > 0 ? 'alert' : undefined} data-testid="mail-kicks-pending">
            {t('kicksPending', { count: kicks.pending })}
            {kicks.oldestAt ? t.rich('kicksOldest', { time: () => <LocalTime at={kicks.oldestAt!} /> }) : null}
            {kicks.failing > 0 ? t('kicksFailing', { error: kicks.lastError ?? t('noAnswer') }) : '.'}
          </p>
        )}
      </section>
      {scope.kind === 'account' ? <FailingDestinationsLine accountId={scope.accountId} /> : null}
      <section aria-labelledby="refused-heading">
        <h2 id="refused-heading">{t('refusedHeading', { days: REFUSED_DAYS })}</h2>
        {refused.length === 0 ? (
          <p>{t('refusedNone', { days: REFUSED_DAYS })}</p>
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
                      <Link href={auditHref(r.clientIp, now)} aria-label={t('auditLink', { address: r.clientIp })}>
                        {r.clientIp}
                      </Link>
                    </td>
                    <td data-label={REFUSED_COLUMNS.refused}>{r.refused}</td>
                    <td data-label={REFUSED_COLUMNS.reason}>{reasonWords(r.topReason, tr)}</td>
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

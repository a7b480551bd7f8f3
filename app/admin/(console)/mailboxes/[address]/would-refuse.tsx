import { getTranslations } from 'next-intl/server';
import { LocalTime } from '@/app/_components/local-time';
import { SUGGESTION_WINDOW_DAYS } from '@/lib/netsets/suggestions';
import type { wouldRefuseSummary } from '@/lib/netsets/suggestions';

/** Monitor mode's record: the sign-ins of the last 30 days that the list would have refused, and from where. */
export async function WouldRefuse({ summary, mode }: { summary: Awaited<ReturnType<typeof wouldRefuseSummary>>; mode: 'enforce' | 'monitor' }) {
  if (mode === 'enforce' && summary.total === 0) return null;
  const t = await getTranslations('WouldRefuse');
  // Column headers, and the field labels of the cards the rows become on phones.
  const COLUMNS = { address: t('colAddress'), count: t('colCount'), protocols: t('colProtocols'), latest: t('colLatest') };
  return (
    <section className="card" aria-labelledby="would-refuse-heading">
      <h2 id="would-refuse-heading">{t('heading')}</h2>
      <p data-testid="would-refuse-summary">
        {summary.total === 0
          ? t('none', { days: SUGGESTION_WINDOW_DAYS })
          : t('some', { count: summary.total, days: SUGGESTION_WINDOW_DAYS })}
      </p>
      {summary.byAddress.length > 0 ? (
        <table data-testid="would-refuse" className="stack">
          <caption className="visually-hidden">{t('caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{COLUMNS.address}</th>
              <th scope="col">{COLUMNS.count}</th>
              <th scope="col">{COLUMNS.protocols}</th>
              <th scope="col">{COLUMNS.latest}</th>
            </tr>
          </thead>
          <tbody>
            {summary.byAddress.map((r) => (
              <tr key={r.address ?? 'unknown'}>
                <td className="mono" data-label={COLUMNS.address}>{r.address ?? t('unknownAddress')}</td>
                <td data-label={COLUMNS.count}>{r.count}</td>
                <td data-label={COLUMNS.protocols}>{r.protocols.join(', ') || '-'}</td>
                <td data-label={COLUMNS.latest}><LocalTime at={r.lastSeen} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

import { LocalTime } from '@/app/_components/local-time';
import { SUGGESTION_WINDOW_DAYS } from '@/lib/netsets/suggestions';
import type { wouldRefuseSummary } from '@/lib/netsets/suggestions';

/** Column headers, and the field labels of the cards the rows become on phones. */
const COLUMNS = { address: 'Address', count: 'Sign-ins', protocols: 'Protocols', latest: 'Latest' } as const;

/** Monitor mode's record: the sign-ins of the last 30 days that the list would have refused, and from where. */
export function WouldRefuse({ summary, mode }: { summary: Awaited<ReturnType<typeof wouldRefuseSummary>>; mode: 'enforce' | 'monitor' }) {
  if (mode === 'enforce' && summary.total === 0) return null;
  return (
    <section className="card" aria-labelledby="would-refuse-heading">
      <h2 id="would-refuse-heading">Monitor mode</h2>
      <p data-testid="would-refuse-summary">
        {summary.total === 0
          ? `No sign-in in the last ${SUGGESTION_WINDOW_DAYS} days would have been refused by the list.`
          : `${summary.total} sign-in${summary.total === 1 ? '' : 's'} in the last ${SUGGESTION_WINDOW_DAYS} days would have been refused by the list:`}
      </p>
      {summary.byAddress.length > 0 ? (
        <table data-testid="would-refuse" className="stack">
          <caption className="visually-hidden">Sign-ins that would have been refused, by address</caption>
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
                <td className="mono" data-label={COLUMNS.address}>{r.address ?? 'unknown address'}</td>
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

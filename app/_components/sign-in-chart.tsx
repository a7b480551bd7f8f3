import type { SignInDay } from '@/lib/sign-in-stats';
import { SIGN_IN_RESULTS } from '@/app/_components/labels';

/**
 * Sign-ins per day as stacked bars (allowed at the bottom, then each refusal reason), drawn on the server as
 * SVG: no JavaScript needed. The SVG is one image with a text summary for assistive technology; the
 * numbers themselves are in a table that screen readers read (visually hidden, the bars carry tooltips).
 * Self-contained: the colours and sizes are SVG attributes, so the page's stylesheet can change freely.
 */

const COLOURS: Record<string, string> = {
  allowed: '#1d6b35',
  network_not_allowed: '#a4161a',
  bad_password: '#d9730d',
  unknown_mailbox: '#8a5a00',
  inactive: '#5b6b7a',
  throttled: '#6f42c1',
  password_change_required: '#0b5cad',
};
const OTHER_COLOUR = '#7d8590';

const reasonLabel = (reason: string) => (SIGN_IN_RESULTS[reason] ?? `refused: ${reason.replace(/_/g, ' ')}`).replace(/^refused: /, '');

export function SignInChart({ days, title, small = false, testId }: { days: SignInDay[]; title: string; small?: boolean; testId?: string }) {
  const reasons = [...new Set(days.flatMap((d) => Object.keys(d.refused)))].sort((a, b) => (COLOURS[a] ? 0 : 1) - (COLOURS[b] ? 0 : 1) || a.localeCompare(b));
  const totals = days.map((d) => d.allowed + Object.values(d.refused).reduce((a, b) => a + b, 0));
  const allowed = days.reduce((a, d) => a + d.allowed, 0);
  const refused = totals.reduce((a, b) => a + b, 0) - allowed;
  const max = Math.max(1, ...totals);
  const width = small ? 360 : 720;
  const height = small ? 72 : 200;
  const top = 14;
  const bottom = small ? 4 : 20;
  const left = small ? 2 : 34;
  const plot = height - top - bottom;
  const slot = (width - left) / days.length;
  const bar = Math.max(1, slot * 0.72);
  const y = (n: number) => (n / max) * plot;
  const id = testId ?? (small ? 'mailbox-chart' : 'sign-in-chart');
  const summary = `${title}: ${allowed} allowed, ${refused} refused${reasons.length ? ` (${reasons.map((r) => `${reasonLabel(r)} ${days.reduce((a, d) => a + (d.refused[r] ?? 0), 0)}`).join(', ')})` : ''}, ${days[0]?.day} to ${days[days.length - 1]?.day} (UTC).`;
  return (
    <figure className="sign-in-chart" data-testid={id}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title`} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-title`}>{summary}</title>
        {small ? null : (
          <g fontSize="10" fill="#4a5360">
            <text x={left - 4} y={top + 3} textAnchor="end">
              {max}
            </text>
            <text x={left - 4} y={top + plot} textAnchor="end">
              0
            </text>
            <text x={left} y={height - 4}>
              {days[0]?.day.slice(5)}
            </text>
            <text x={width} y={height - 4} textAnchor="end">
              {days[days.length - 1]?.day.slice(5)}
            </text>
          </g>
        )}
        <line x1={left} x2={width} y1={top + plot + 0.5} y2={top + plot + 0.5} stroke="#d5dae1" />
        {small ? null : <line x1={left} x2={width} y1={top + 0.5} y2={top + 0.5} stroke="#d5dae1" strokeDasharray="3 3" />}
        {days.map((d, i) => {
          const x = left + i * slot + (slot - bar) / 2;
          let base = top + plot;
          const parts = [{ key: 'allowed', n: d.allowed, label: 'allowed' }, ...reasons.map((r) => ({ key: r, n: d.refused[r] ?? 0, label: `refused: ${reasonLabel(r)}` }))];
          return (
            <g key={d.day}>
              {parts
                .filter((p) => p.n > 0)
                .map((p) => {
                  const h = Math.max(1, y(p.n));
                  base -= h;
                  return (
                    <rect key={p.key} x={x} y={base} width={bar} height={h} fill={COLOURS[p.key] ?? OTHER_COLOUR}>
                      <title>{`${d.day}: ${p.n} ${p.label}`}</title>
                    </rect>
                  );
                })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="chart-legend" aria-hidden="true">
          {[{ key: 'allowed', text: `allowed (${allowed})` }, ...reasons.map((r) => ({ key: r, text: `refused: ${reasonLabel(r)} (${days.reduce((a, d) => a + (d.refused[r] ?? 0), 0)})` }))].map((l) => (
            <li key={l.key}>
              <svg width="10" height="10" aria-hidden="true">
                <rect width="10" height="10" fill={COLOURS[l.key] ?? OTHER_COLOUR} />
              </svg>{' '}
              {l.text}
            </li>
          ))}
        </ul>
      </figcaption>
      {/* Hidden by a wrapper: a table ignores the 1px width of .visually-hidden and would widen the page. */}
      <div className="visually-hidden">
        <table data-testid={`${id}-table`}>
          <caption>{title} (UTC days)</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Allowed</th>
              {reasons.map((r) => (
                <th scope="col" key={r}>
                  Refused: {reasonLabel(r)}
                </th>
              ))}
              <th scope="col">Refused in total</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d, i) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                <td>{d.allowed}</td>
                {reasons.map((r) => (
                  <td key={r}>{d.refused[r] ?? 0}</td>
                ))}
                <td>{totals[i]! - d.allowed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

import { useLocale, useTranslations } from 'next-intl';
import type { SignInDay } from '@/lib/sign-in-stats';
import { formatDay } from '@/lib/time-format';
import { reasonWords, SIGN_IN_REASON_TEXTS } from './sign-in-reason';

/**
 * Sign-ins per day as stacked bars (allowed at the bottom, then each refusal reason), drawn on the server as
 * SVG: no JavaScript needed. The SVG is one image with a text summary for assistive technology; the
 * numbers themselves are in a table that screen readers read (visually hidden, the bars carry tooltips).
 * The bars' colours and sizes are SVG attributes; the axis labels (dates below, counts beside) are HTML
 * around the SVG, so they keep the page's text size however narrow the screen scales the drawing. With no
 * sign-in at all there is no chart, only a sentence saying so.
 */

// Wording: catalogue namespace `SignInChart`. The chart is drawn on the server, which does not know the
// viewer's own locale: dates follow the page's language. Days are UTC days, as the counts are.

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

export function SignInChart({ days, title, small = false, testId }: { days: SignInDay[]; title: string; small?: boolean; testId?: string }) {
  const t = useTranslations('SignInChart');
  const tr = useTranslations(SIGN_IN_REASON_TEXTS);
  const locale = useLocale();
  const day = (d: string) => formatDay(d, locale === 'en' ? 'en-US' : locale);
  const reasonLabel = (reason: string) => reasonWords(reason, tr);
  const reasons = [...new Set(days.flatMap((d) => Object.keys(d.refused)))].sort((a, b) => (COLOURS[a] ? 0 : 1) - (COLOURS[b] ? 0 : 1) || a.localeCompare(b));
  const totals = days.map((d) => d.allowed + Object.values(d.refused).reduce((a, b) => a + b, 0));
  const allowed = days.reduce((a, d) => a + d.allowed, 0);
  const refused = totals.reduce((a, b) => a + b, 0) - allowed;
  const max = Math.max(1, ...totals);
  const id = testId ?? (small ? 'mailbox-chart' : 'sign-in-chart');
  if (allowed + refused === 0) {
    return (
      <p className="chart-empty" data-testid={id}>
        {t('empty', { days: days.length })}
      </p>
    );
  }
  const width = small ? 360 : 720;
  const height = small ? 72 : 180;
  const top = 2;
  const bottom = 0;
  const left = 0;
  const plot = height - top - bottom;
  const slot = (width - left) / days.length;
  const bar = Math.max(1, slot * 0.72);
  const y = (n: number) => (n / max) * plot;
  const first = days[0]!.day;
  const last = days[days.length - 1]!.day;
  const middle = days[Math.floor((days.length - 1) / 2)]!.day;
  const summary = t('summary', {
    title,
    allowed,
    refused,
    reasons: reasons.length ? ` (${reasons.map((r) => `${reasonLabel(r)} ${days.reduce((a, d) => a + (d.refused[r] ?? 0), 0)}`).join(', ')})` : '',
    first,
    last,
  });
  return (
    <figure className={`sign-in-chart${small ? ' small' : ''}`} data-testid={id}>
      <div className="chart-plot">
        <div className="chart-y" aria-hidden="true">
          <span data-testid={`${id}-max`}>{max}</span>
          <span>0</span>
        </div>
        <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title`} preserveAspectRatio="xMidYMid meet">
          <title id={`${id}-title`}>{summary}</title>
          <line x1={left} x2={width} y1={top + plot + 0.5} y2={top + plot + 0.5} stroke="#d5dae1" />
          <line x1={left} x2={width} y1={top + 0.5} y2={top + 0.5} stroke="#d5dae1" strokeDasharray="3 3" />
          {days.map((d, i) => {
            const x = left + i * slot + (slot - bar) / 2;
            let base = top + plot;
            const parts = [{ key: 'allowed', n: d.allowed, label: t('allowed') }, ...reasons.map((r) => ({ key: r, n: d.refused[r] ?? 0, label: t('refused', { reason: reasonLabel(r) }) }))];
            return (
              <g key={d.day}>
                {parts
                  .filter((p) => p.n > 0)
                  .map((p) => {
                    const h = Math.max(1, y(p.n));
                    base -= h;
                    return (
                      <rect key={p.key} x={x} y={base} width={bar} height={h} fill={COLOURS[p.key] ?? OTHER_COLOUR}>
                        <title>{t('bar', { day: d.day, count: p.n, label: p.label })}</title>
                      </rect>
                    );
                  })}
              </g>
            );
          })}
        </svg>
        <div className="chart-x" aria-hidden="true" data-testid={`${id}-axis`}>
          <span>{day(first)}</span>
          <span>{day(middle)}</span>
          <span>{day(last)}</span>
        </div>
      </div>
      <figcaption>
        <p className="chart-range">{t('range', { days: days.length, first: day(first), last: day(last) })}</p>
        <ul className="chart-legend" aria-hidden="true">
          {[{ key: 'allowed', text: `${t('allowed')} (${allowed})` }, ...reasons.map((r) => ({ key: r, text: `${t('refused', { reason: reasonLabel(r) })} (${days.reduce((a, d) => a + (d.refused[r] ?? 0), 0)})` }))].map((l) => (
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
          <caption>
            {title} {t('utcDays')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('day')}</th>
              <th scope="col">{t('allowedHeader')}</th>
              {reasons.map((r) => (
                <th scope="col" key={r}>
                  {t('refusedHeader', { reason: reasonLabel(r) })}
                </th>
              ))}
              <th scope="col">{t('refusedTotal')}</th>
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

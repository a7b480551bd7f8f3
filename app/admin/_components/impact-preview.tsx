'use client';

import { useTranslations } from 'next-intl';
import { IMPACT_WINDOW_DAYS, type ImpactResult, type SignInAddressGroup } from '@/lib/mailboxes/sign-in-impact';
import { Address } from '@/app/_components/address';
import { knownReason, SIGN_IN_REASON_TEXTS } from '@/app/_components/sign-in-reason';
import { LocalTime } from '@/app/_components/local-time';

/**
 * Which of the mailbox's sign-in addresses of the last 30 days the draft list would refuse, recomputed
 * in the browser as the draft changes (the form evaluates the draft with the gate's parser and matcher:
 * `impactOf` in lib/mailboxes/sign-in-impact.ts). The addresses come from the server, already limited to
 * this mailbox of the admin's account.
 */
export function ImpactPreview({ impact, groups, truncated, saved = false }: { impact: ImpactResult; groups: readonly SignInAddressGroup[]; truncated: boolean; saved?: boolean }) {
  const t = useTranslations('ImpactPreview');
  const tr = useTranslations(SIGN_IN_REASON_TEXTS);
  const monitored = groups.reduce((n, g) => n + (g.wouldRefuse ?? 0), 0);
  const words = { count: groups.length, days: IMPACT_WINDOW_DAYS };
  let summary: string;
  if (!impact.ok) summary = t('invalid');
  else if (groups.length === 0) summary = t('noSignIns', words);
  // The saved list is a fact ("are refused"); a draft is a prediction ("would be refused").
  else if (impact.canonical === null) summary = saved ? t('savedNoRestriction', words) : t('draftNoRestriction', words);
  else if (impact.refused.length === 0) summary = saved ? t('savedAllows', words) : t('draftAllows', words);
  else summary = saved ? t('savedRefuses', { ...words, refused: impact.refused.length }) : t('draftRefuses', { ...words, refused: impact.refused.length });
  // The last result in words: a known refusal reason from the catalogue, anything else as recorded.
  const result = (code: string) => {
    if (code === 'signed_in') return t('signedIn');
    const reason = knownReason(code);
    return reason ? t('refused', { reason: tr(reason) }) : code.replace(/_/g, ' ');
  };
  return (
    <section className="impact" aria-labelledby="impact-heading">
      <h3 id="impact-heading">{t('heading')}</h3>
      <p aria-live="polite" data-testid="impact-summary">
        {summary}
      </p>
      {impact.ok && impact.refused.length > 0 ? (
        <table data-testid="impact-refused" className="stack">
          <caption className="visually-hidden">{saved ? t('savedCaption') : t('draftCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('colAddress')}</th>
              <th scope="col">{t('colSignIns')}</th>
              <th scope="col">{t('colLatest')}</th>
              <th scope="col">{t('colProtocols')}</th>
              <th scope="col">{t('colResult')}</th>
            </tr>
          </thead>
          <tbody>
            {impact.refused.map((g) => (
              <tr key={g.address ?? 'unknown'}>
                <td data-label={t('colAddress')}>{g.address ? <Address text={g.address} /> : t('unknownAddress')}</td>
                <td data-label={t('colSignIns')}>
                  {g.attempts}
                  {g.succeeded < g.attempts ? t('signedInCount', { count: g.succeeded }) : ''}
                </td>
                <td data-label={t('colLatest')}><LocalTime at={g.lastAt} /></td>
                <td data-label={t('colProtocols')}>{g.protocols.join(', ') || '-'}</td>
                <td data-label={t('colResult')}>{result(g.lastResult)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {monitored > 0 ? (
        <p data-testid="impact-monitor">{t('monitored', { count: monitored })}</p>
      ) : null}
      {truncated ? <p className="muted">{t('truncated')}</p> : null}
    </section>
  );
}

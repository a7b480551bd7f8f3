'use client';

import { IMPACT_WINDOW_DAYS, type ImpactResult, type SignInAddressGroup } from '@/lib/mailboxes/sign-in-impact';
import { Address } from '@/app/_components/address';
import { SIGN_IN_RESULTS } from './labels';
import { LocalTime } from '@/app/_components/local-time';

/**
 * Which of the mailbox's sign-in addresses of the last 30 days the draft list would refuse, recomputed
 * in the browser as the draft changes (the form evaluates the draft with the gate's parser and matcher:
 * `impactOf` in lib/mailboxes/sign-in-impact.ts). The addresses come from the server, already limited to
 * this mailbox of the admin's account.
 */
export function ImpactPreview({ impact, groups, truncated, saved = false }: { impact: ImpactResult; groups: readonly SignInAddressGroup[]; truncated: boolean; saved?: boolean }) {
  const monitored = groups.reduce((n, g) => n + (g.wouldRefuse ?? 0), 0);
  const n = groups.length;
  const addresses = `${n} address${n === 1 ? '' : 'es'} used in the last ${IMPACT_WINDOW_DAYS} days`;
  let summary: string;
  if (!impact.ok) summary = 'Fix the invalid entries to see which sign-ins the list would refuse.';
  else if (n === 0) summary = `No sign-ins with the correct password in the last ${IMPACT_WINDOW_DAYS} days, so there is nothing to compare the list with.`;
  // The saved list is a fact ("are refused"); a draft is a prediction ("would be refused").
  else if (impact.canonical === null) summary = saved ? `No restriction is saved: none of the ${addresses} is refused.` : `No restriction: none of the ${addresses} would be refused.`;
  else if (impact.refused.length === 0)
    summary = saved
      ? n === 1 ? `The ${addresses} is allowed by the saved list.` : `All ${addresses} are allowed by the saved list.`
      : n === 1 ? `The ${addresses} is allowed by this draft.` : `All ${addresses} are allowed by this draft.`;
  else summary = saved ? `The saved list refuses ${impact.refused.length} of ${addresses}:` : `This draft would refuse ${impact.refused.length} of ${addresses}:`;
  return (
    <section className="impact" aria-labelledby="impact-heading">
      <h3 id="impact-heading">Impact preview</h3>
      <p aria-live="polite" data-testid="impact-summary">
        {summary}
      </p>
      {impact.ok && impact.refused.length > 0 ? (
        <table data-testid="impact-refused" className="stack">
          <caption className="visually-hidden">{saved ? 'Sign-in addresses the saved list refuses' : 'Sign-in addresses the draft list would refuse'}</caption>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Sign-ins</th>
              <th scope="col">Latest</th>
              <th scope="col">Protocols</th>
              <th scope="col">Latest result</th>
            </tr>
          </thead>
          <tbody>
            {impact.refused.map((g) => (
              <tr key={g.address ?? 'unknown'}>
                <td data-label="Address">{g.address ? <Address text={g.address} /> : 'unknown address'}</td>
                <td data-label="Sign-ins">
                  {g.attempts}
                  {g.succeeded < g.attempts ? ` (${g.succeeded} signed in)` : ''}
                </td>
                <td data-label="Latest"><LocalTime at={g.lastAt} /></td>
                <td data-label="Protocols">{g.protocols.join(', ') || '-'}</td>
                <td data-label="Latest result">{SIGN_IN_RESULTS[g.lastResult] ?? g.lastResult}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {monitored > 0 ? (
        <p data-testid="impact-monitor">
          Monitor mode let {monitored} sign-in{monitored === 1 ? '' : 's'} through that the stored list would have refused (counted in the addresses above).
        </p>
      ) : null}
      {truncated ? <p className="muted">Only the 500 most recently used addresses are compared.</p> : null}
    </section>
  );
}

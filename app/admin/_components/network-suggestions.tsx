'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import type { NetworkSuggestion } from '@/lib/netsets/suggestions';
import { LocalTime } from '@/app/_components/local-time';

/** The first address of a suggested network, to test whether the draft admits (part of) it. */
function probe(net: string): string {
  return net.split('/')[0] ?? net;
}

/**
 * "Suggestions from history": the networks of the mailbox's successful sign-ins of the last 30 days, with
 * counts by protocol, last seen and whether the draft admits them, each with "Add" (in the browser it
 * appends to the draft; without JavaScript it posts the form and the server appends it).
 */
export function NetworkSuggestions({ suggestions, draft, allows, onAdd }: {
  suggestions: readonly NetworkSuggestion[];
  draft: string;
  /** Whether the draft admits an address (the form's matcher: sets, expiry); null while the draft does not parse. */
  allows: ((address: string | null) => boolean) | null;
  onAdd: (net: string) => void;
}) {
  // The suggestions added in this visit, so that "Add" answers next to the button itself.
  const [added, setAdded] = useState<ReadonlySet<string>>(new Set());
  const t = useTranslations('NetworkSuggestions');
  // Column headers (and card labels on phones).
  const TEXT = { net: t('net'), signIns: t('signIns'), lastSeen: t('lastSeen'), admitted: t('admitted') };
  return (
    <section className="suggestions" aria-labelledby="suggestions-heading">
      <h3 id="suggestions-heading">{t('heading')}</h3>
      {suggestions.length === 0 ? (
        <p className="muted">{t('none')}</p>
      ) : (
        <table data-testid="suggestions" className="stack">
          <caption className="visually-hidden">{t('caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{TEXT.net}</th>
              <th scope="col">{TEXT.signIns}</th>
              <th scope="col">{TEXT.lastSeen}</th>
              <th scope="col">{TEXT.admitted}</th>
              <th scope="col">
                <span className="visually-hidden">{t('add')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {suggestions.map((s) => {
              const admitted = allows ? allows(probe(s.net)) : null;
              return (
                <tr key={s.net} data-net={s.net}>
                  <td className="mono" data-label={TEXT.net}>{s.net}</td>
                  <td data-label={TEXT.signIns}>
                    {Object.entries(s.byProtocol)
                      .map(([p, n]) => `${p} ${n}`)
                      .join(', ')}
                  </td>
                  <td data-label={TEXT.lastSeen}><LocalTime at={s.lastSeen} /></td>
                  <td data-label={TEXT.admitted}>{admitted === null ? '-' : admitted ? t('yes') : t('no')}</td>
                  <td className="full">
                    <button
                      type="submit"
                      name="intent"
                      value={`add-net:${s.net}`}
                      className="secondary"
                      aria-label={t('addNet', { net: s.net })}
                      aria-describedby={`suggestion-note-${s.net}`}
                      disabled={admitted === true && draft.trim() !== ''}
                      onClick={(e) => {
                        e.preventDefault();
                        onAdd(s.net);
                        setAdded((old) => new Set(old).add(s.net));
                      }}
                    >
                      {t('add')}
                    </button>{' '}
                    <span className="muted" id={`suggestion-note-${s.net}`} role="status">
                      {added.has(s.net) ? t('added') : admitted === true && draft.trim() !== '' ? t('alreadyAllowed') : ''}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

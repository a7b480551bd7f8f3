import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { LocalTime } from '@/app/_components/local-time';
import { infoText } from '@/app/admin/_components/entry-info';
import { requireAdmin } from '@/lib/session/dal';
import { toStored } from '@/lib/net/allowlist-entries';
import { listNetSets } from '@/lib/netsets/service';
import { networkSuggestions, renderTime, SUGGESTION_WINDOW_DAYS } from '@/lib/netsets/suggestions';
import { NetSetForm } from './net-set-form';
import { AddToSet } from './suggestion-row';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Networks'))('metaTitle') };
}

/** The account's named network sets (spec §15) and, as a starting point, the networks its mailboxes use. */
export default async function NetworksPage() {
  const { admin } = await requireAdmin();
  const sets = await listNetSets(admin.accountId);
  const suggestions = await networkSuggestions(admin.accountId, null);
  const now = renderTime();
  const t = await getTranslations('Networks');
  // The "Networks in use" columns: headers, and the field labels of the cards they become on phones.
  const COLUMNS = { net: t('colNet'), signIns: t('colSignIns'), lastSeen: t('colLastSeen'), add: t('colAdd') };
  return (
    <main className="wide">
      <h1>{t('heading')}</h1>
      <p>{t.rich('intro', { code: (text) => <code>{text}</code> })}</p>
      {sets.map((s) => (
        <section className="card" key={s.id} aria-labelledby={`h-${s.name}`}>
          <h2 id={`h-${s.name}`}>@{s.name}</h2>
          <NetSetForm original={s.name} name={s.name} description={s.description} allowNets={s.allowNets} info={infoText(toStored(s.entries).meta)} usedBy={s.usedBy} now={now} />
        </section>
      ))}
      <section className="card" aria-labelledby="new-set-heading">
        <h2 id="new-set-heading">{t('newSet')}</h2>
        <NetSetForm name="" description="" allowNets="" info={{}} now={now} />
      </section>
      <section className="card" aria-labelledby="account-suggestions-heading">
        <h2 id="account-suggestions-heading">{t('inUseHeading')}</h2>
        <p>{t('inUseIntro', { days: SUGGESTION_WINDOW_DAYS })}</p>
        {suggestions.length === 0 ? (
          <p className="muted">{t('inUseNone', { days: SUGGESTION_WINDOW_DAYS })}</p>
        ) : (
          <table data-testid="account-suggestions" className="stack">
            <thead>
              <tr>
                <th scope="col">{COLUMNS.net}</th>
                <th scope="col">{COLUMNS.signIns}</th>
                <th scope="col">{COLUMNS.lastSeen}</th>
                <th scope="col">{COLUMNS.add}</th>
              </tr>
            </thead>
            <tbody>
              {suggestions.map((s) => (
                <tr key={s.net}>
                  <td className="mono" data-label={COLUMNS.net}>{s.net}</td>
                  <td data-label={COLUMNS.signIns}>
                    {Object.entries(s.byProtocol)
                      .map(([p, n]) => `${p} ${n}`)
                      .join(', ')}
                  </td>
                  <td data-label={COLUMNS.lastSeen}><LocalTime at={s.lastSeen} /></td>
                  <td data-label={COLUMNS.add}>
                    <AddToSet net={s.net} setNames={sets.map((x) => x.name)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

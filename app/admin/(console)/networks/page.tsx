import type { Metadata } from 'next';
import { LocalTime } from '@/app/_components/local-time';
import { infoText } from '@/app/admin/_components/entry-info';
import { requireAdmin } from '@/lib/session/dal';
import { toStored } from '@/lib/net/allowlist-entries';
import { listNetSets } from '@/lib/netsets/service';
import { networkSuggestions, renderTime, SUGGESTION_WINDOW_DAYS } from '@/lib/netsets/suggestions';
import { NetSetForm } from './net-set-form';
import { AddToSet } from './suggestion-row';

export const metadata: Metadata = { title: 'Networks' };

/** The account's named network sets (spec §15) and, as a starting point, the networks its mailboxes use. */
/** The "Networks in use" columns: headers, and the field labels of the cards they become on phones. */
const COLUMNS = { net: 'Network', signIns: 'Sign-ins', lastSeen: 'Last seen', add: 'Add to a set' } as const;

export default async function NetworksPage() {
  const { admin } = await requireAdmin();
  const sets = await listNetSets(admin.accountId);
  const suggestions = await networkSuggestions(admin.accountId, null);
  const now = renderTime();
  return (
    <main className="wide">
      <h1>Networks</h1>
      <p>
        A network set is a named list of networks (an office, a VPN) that mailbox lists use as <code>@name</code>. Change the set once and it
        applies at once to every mailbox that uses it, including people who are signed in.
      </p>
      {sets.map((s) => (
        <section className="card" key={s.id} aria-labelledby={`h-${s.name}`}>
          <h2 id={`h-${s.name}`}>@{s.name}</h2>
          <NetSetForm original={s.name} name={s.name} description={s.description} allowNets={s.allowNets} info={infoText(toStored(s.entries).meta)} usedBy={s.usedBy} now={now} />
        </section>
      ))}
      <section className="card" aria-labelledby="new-set-heading">
        <h2 id="new-set-heading">New network set</h2>
        <NetSetForm name="" description="" allowNets="" info={{}} now={now} />
      </section>
      <section className="card" aria-labelledby="account-suggestions-heading">
        <h2 id="account-suggestions-heading">Networks in use</h2>
        <p>Successful sign-ins of the account&apos;s mailboxes in the last {SUGGESTION_WINDOW_DAYS} days, by network: neighbouring addresses are grouped, so one entry covers, for example, an office&apos;s whole connection.</p>
        {suggestions.length === 0 ? (
          <p className="muted">No successful sign-ins in the last {SUGGESTION_WINDOW_DAYS} days.</p>
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

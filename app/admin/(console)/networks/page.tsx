import type { Metadata } from 'next';
import { LocalTime } from '@/app/_components/local-time';
import { infoText } from '@/app/admin/_components/entry-info';
import { requireAdmin } from '@/lib/auth/dal';
import { toStored } from '@/lib/net/allowlist-entries';
import { listNetSets } from '@/lib/netsets/service';
import { networkSuggestions, renderTime, SUGGESTION_WINDOW_DAYS } from '@/lib/netsets/suggestions';
import { NetSetForm } from './net-set-form';
import { AddToSet } from './suggestion-row';

export const metadata: Metadata = { title: 'Networks' };

/** The account's named network sets (spec §15) and, as a starting point, the networks its mailboxes use. */
export default async function NetworksPage() {
  const { admin } = await requireAdmin();
  const sets = await listNetSets(admin.accountId);
  const suggestions = await networkSuggestions(admin.accountId, null);
  const now = renderTime();
  return (
    <main className="wide">
      <h1>Networks</h1>
      <p>
        A network set is a named list of networks (an office, a VPN) that mailbox lists use as <code>@name</code>. Change the set once and every
        mailbox that uses it follows at its next request.
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
        <p>Successful sign-ins of the account&apos;s mailboxes in the last {SUGGESTION_WINDOW_DAYS} days, by network (IPv4 /24, IPv6 /56).</p>
        {suggestions.length === 0 ? (
          <p className="muted">No successful sign-ins in the last {SUGGESTION_WINDOW_DAYS} days.</p>
        ) : (
          <table data-testid="account-suggestions">
            <thead>
              <tr>
                <th scope="col">Network</th>
                <th scope="col">Sign-ins</th>
                <th scope="col">Last seen</th>
                <th scope="col">Add to a set</th>
              </tr>
            </thead>
            <tbody>
              {suggestions.map((s) => (
                <tr key={s.net}>
                  <td className="mono">{s.net}</td>
                  <td>
                    {Object.entries(s.byProtocol)
                      .map(([p, n]) => `${p} ${n}`)
                      .join(', ')}
                  </td>
                  <td><LocalTime at={s.lastSeen} /></td>
                  <td>
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

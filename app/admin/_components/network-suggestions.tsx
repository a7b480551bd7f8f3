'use client';

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
  return (
    <section className="suggestions" aria-labelledby="suggestions-heading">
      <h3 id="suggestions-heading">Suggestions from history</h3>
      {suggestions.length === 0 ? (
        <p className="muted">No successful sign-ins in the last 30 days.</p>
      ) : (
        <table data-testid="suggestions">
          <caption className="visually-hidden">Networks this mailbox signed in from in the last 30 days</caption>
          <thead>
            <tr>
              <th scope="col">Network</th>
              <th scope="col">Sign-ins</th>
              <th scope="col">Last seen</th>
              <th scope="col">Admitted by the draft</th>
              <th scope="col">
                <span className="visually-hidden">Add</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {suggestions.map((s) => {
              const admitted = allows ? allows(probe(s.net)) : null;
              return (
                <tr key={s.net} data-net={s.net}>
                  <td className="mono">{s.net}</td>
                  <td>
                    {Object.entries(s.byProtocol)
                      .map(([p, n]) => `${p} ${n}`)
                      .join(', ')}
                  </td>
                  <td><LocalTime at={s.lastSeen} /></td>
                  <td>{admitted === null ? '-' : admitted ? 'Yes' : 'No'}</td>
                  <td>
                    <button
                      type="submit"
                      name="intent"
                      value={`add-net:${s.net}`}
                      className="secondary"
                      aria-label={`Add ${s.net}`}
                      disabled={admitted === true && draft.trim() !== ''}
                      onClick={(e) => {
                        e.preventDefault();
                        onAdd(s.net);
                      }}
                    >
                      Add
                    </button>
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

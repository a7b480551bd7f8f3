'use client';

import { MAX_LABEL_CHARS } from '@/lib/net/allowlist-entries';
import { EXPIRES_FIELD, expiresIso, LABEL_FIELD, type EntryInfoMap } from './entry-info';

/** How soon an expiry is flagged as "expires soon" on the mailbox and list pages. */
export const SOON_MS = 7 * 86_400_000;

interface Props {
  id: string;
  /** The draft's entries in canonical form (parsed once by the form); null while it does not parse or is empty. */
  nets: readonly string[] | null;
  info: EntryInfoMap;
  onInfoChange: (net: string, field: 'label' | 'expires', value: string) => void;
  onRemove: (net: string) => void;
  /** The time the page was rendered (server clock), so server and browser agree on "expired". */
  now: number;
  /**
   * Entries whose rows are not rendered (the stored entries after the first rows of a long list): they keep
   * their stored label and expiry. Null = render every row.
   */
  hidden?: ReadonlySet<string> | null;
}

/** Column headers, and the field labels of the cards the rows become on phones. */
const COLUMNS = { net: 'Network or set', label: 'Label', expires: 'Expires (UTC)', actions: 'Actions' } as const;

function status(expires: string, now: number): { text: string; className: string } | null {
  const iso = expiresIso(expires);
  if (iso === null) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return { text: 'Not a valid time', className: 'error' };
  if (ms <= now) return { text: 'Expired: no longer admits anyone', className: 'error' };
  if (ms - now <= SOON_MS) return { text: 'Expires soon', className: 'warning' };
  return null;
}

/**
 * The list's entries as rows: network or @set, label, expiry (UTC), status and "Remove". The entries come
 * from the list field above (typed or pasted, validated live); the label and expiry of each entry are
 * form fields named after the entry, so the form also works without JavaScript.
 */
export function EntryRows({ id, nets: all, info, onInfoChange, onRemove, now, hidden = null }: Props) {
  if (all === null || all.length === 0) return null;
  const nets = hidden === null ? all : all.filter((net) => !hidden.has(net));
  return (
    <div className="entry-rows">
      <table data-testid={`${id}-rows`} className="stack">
        <caption>Entries: labels and expiry</caption>
        <thead>
          <tr>
            <th scope="col">{COLUMNS.net}</th>
            <th scope="col">{COLUMNS.label}</th>
            <th scope="col">{COLUMNS.expires}</th>
            <th scope="col">
              <span className="visually-hidden">{COLUMNS.actions}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {nets.map((net) => {
            const i = info[net] ?? { label: '', expires: '' };
            const st = status(i.expires, now);
            return (
              <tr key={net} data-net={net}>
                <td className="mono" data-label={COLUMNS.net}>{net}</td>
                <td data-label={COLUMNS.label}>
                  <input
                    name={`${LABEL_FIELD}${net}`}
                    aria-label={`Label of ${net}`}
                    value={i.label}
                    maxLength={MAX_LABEL_CHARS}
                    onChange={(e) => onInfoChange(net, 'label', e.target.value)}
                  />
                </td>
                <td data-label={COLUMNS.expires}>
                  <input
                    type="datetime-local"
                    name={`${EXPIRES_FIELD}${net}`}
                    aria-label={`Expiry of ${net} (UTC)`}
                    value={i.expires}
                    onChange={(e) => onInfoChange(net, 'expires', e.target.value)}
                  />
                  {st ? <span className={`entry-status ${st.className}`}> {st.text}</span> : null}
                </td>
                <td className="full">
                  {/* Without JavaScript this posts the form and the server removes the entry from the draft. */}
                  <button
                    type="submit"
                    name="intent"
                    value={`remove:${net}`}
                    className="secondary"
                    aria-label={`Remove ${net}`}
                    onClick={(e) => {
                      e.preventDefault();
                      onRemove(net);
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {nets.length < all.length ? (
        <p>
          Showing the first {nets.length} of {all.length} entries; the others keep their labels and expiry. <a href="?entries=all">Show all {all.length} entries</a>
        </p>
      ) : null}
    </div>
  );
}

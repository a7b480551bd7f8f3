'use client';

import { useTranslations } from 'next-intl';
import { MAX_LABEL_CHARS } from '@/lib/net/allowlist-entries';
import { instantFromLocalInput, localInputValue, utcInputValue, viewerTimeZone } from '@/lib/time-format';
import { EXPIRES_FIELD, expiresIso, LABEL_FIELD, type EntryInfoMap } from './entry-info';
import { useHydrated } from './use-hydrated';

/** "In 1 day / 3 days / 1 week": an expiry that far from now (the button's time, to the minute); `key` names its words in the catalogue. */
export const EXPIRY_SHORTCUTS: readonly { key: 'in1Day' | 'in3Days' | 'in1Week'; ms: number }[] = [
  { key: 'in1Day', ms: 86_400_000 },
  { key: 'in3Days', ms: 3 * 86_400_000 },
  { key: 'in1Week', ms: 7 * 86_400_000 },
];

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

function status(expires: string, now: number): { key: 'invalid' | 'expired' | 'soon'; className: string } | null {
  const iso = expiresIso(expires);
  if (iso === null) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return { key: 'invalid', className: 'error' };
  if (ms <= now) return { key: 'expired', className: 'error' };
  if (ms - now <= SOON_MS) return { key: 'soon', className: 'warning' };
  return null;
}

/** A UTC form value ("2026-12-31T18:00") as the visible field shows it in `zone`; other text as it is. */
function shownExpiry(utcText: string, zone: string): string {
  const iso = expiresIso(utcText);
  const ms = iso === null ? NaN : Date.parse(iso);
  return Number.isNaN(ms) ? utcText : localInputValue(ms, zone);
}

/** What the visible field typed in `zone` means as the form's UTC value. */
function utcExpiry(localText: string, zone: string): string {
  if (localText.trim() === '') return '';
  const ms = instantFromLocalInput(localText, zone);
  return ms === null ? localText : utcInputValue(ms);
}

/**
 * The list's entries as rows: network or @set, label, expiry, status and "Remove". The entries come
 * from the list field above (typed or pasted, validated live); the label and expiry of each entry are
 * form fields named after the entry, so the form also works without JavaScript.
 *
 * The form always carries the expiry in UTC. Without JavaScript the admin types it in UTC, and the column
 * says so. With JavaScript the visible field shows and takes the browser's local time, and a hidden field
 * carries its UTC value (so the server never needs the browser's zone); the "in 1 day / 3 days / 1 week"
 * shortcuts fill it from the browser's clock.
 */
export function EntryRows({ id, nets: all, info, onInfoChange, onRemove, now, hidden = null }: Props) {
  if (all === null || all.length === 0) return null;
  const nets = hidden === null ? all : all.filter((net) => !hidden.has(net));
  return <Rows id={id} all={all} nets={nets} info={info} onInfoChange={onInfoChange} onRemove={onRemove} now={now} />;
}

function Rows({ id, all, nets, info, onInfoChange, onRemove, now }: Omit<Props, 'nets' | 'hidden'> & { all: readonly string[]; nets: readonly string[] }) {
  const hydrated = useHydrated();
  const zone = hydrated ? viewerTimeZone() : 'UTC';
  const t = useTranslations('EntryRows');
  const expiresHeader = hydrated ? t('expiresLocal', { zone }) : t('expiresUtc');
  return (
    <div className="entry-rows">
      <table data-testid={`${id}-rows`} className="stack">
        <caption>{t('caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('netHeader')}</th>
            <th scope="col">{t('labelHeader')}</th>
            <th scope="col">{expiresHeader}</th>
            <th scope="col">
              <span className="visually-hidden">{t('actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {nets.map((net) => {
            const i = info[net] ?? { label: '', expires: '' };
            const st = status(i.expires, now);
            return (
              <tr key={net} data-net={net}>
                <td className="mono" data-label={t('netHeader')}>{net}</td>
                <td data-label={t('labelHeader')}>
                  <input
                    name={`${LABEL_FIELD}${net}`}
                    aria-label={t('labelOf', { net })}
                    value={i.label}
                    maxLength={MAX_LABEL_CHARS}
                    onChange={(e) => onInfoChange(net, 'label', e.target.value)}
                  />
                </td>
                <td data-label={expiresHeader}>
                  {hydrated ? (
                    <>
                      <input type="hidden" name={`${EXPIRES_FIELD}${net}`} value={i.expires} />
                      <input
                        type="datetime-local"
                        aria-label={t('expiryOfLocal', { net })}
                        value={shownExpiry(i.expires, zone)}
                        onChange={(e) => onInfoChange(net, 'expires', utcExpiry(e.target.value, zone))}
                      />
                    </>
                  ) : (
                    <input type="datetime-local" name={`${EXPIRES_FIELD}${net}`} aria-label={t('expiryOfUtc', { net })} value={i.expires} onChange={(e) => onInfoChange(net, 'expires', e.target.value)} />
                  )}
                  {st ? <span className={`entry-status ${st.className}`}> {t(st.key)}</span> : null}
                  {hydrated ? (
                    <span className="expiry-shortcuts" role="group" aria-label={t('shortcuts', { net })}>
                      {EXPIRY_SHORTCUTS.map((s) => (
                        <button
                          key={s.key}
                          type="button"
                          className="link"
                          aria-label={t('shortcut', { net, when: t(s.key) })}
                          onClick={() => onInfoChange(net, 'expires', utcInputValue(Math.floor((Date.now() + s.ms) / 60_000) * 60_000))}
                        >
                          {t(s.key)}
                        </button>
                      ))}
                    </span>
                  ) : null}
                </td>
                <td className="full">
                  {/* Without JavaScript this posts the form and the server removes the entry from the draft. */}
                  <button
                    type="submit"
                    name="intent"
                    value={`remove:${net}`}
                    className="secondary"
                    aria-label={t('removeNet', { net })}
                    onClick={(e) => {
                      e.preventDefault();
                      onRemove(net);
                    }}
                  >
                    {t('remove')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {nets.length < all.length ? (
        <p>
          {t('showing', { shown: nets.length, all: all.length })}
          <a href="?entries=all">{t('showAll', { all: all.length })}</a>
        </p>
      ) : null}
    </div>
  );
}

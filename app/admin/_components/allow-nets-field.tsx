'use client';

import { useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { entryWarningText } from '@/lib/i18n/allowlist-problems';
import { parseAllowNets, type AllowNetsParse } from '@/lib/net/allowlist';
import { EntryErrorList } from './form-alert';
import { ADD_ADDRESS_KEYS, addAddress, type AddAddressOutcome } from './nets-draft';
import { useHydrated } from './use-hydrated';

interface Props {
  id: string;
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The admin's own address as the server sees it; enables "Add my current IP". */
  clientIp?: string | null;
  /** Text for an empty list in this context ("no restriction" on a mailbox, "nothing to add" in bulk). */
  emptyText: string;
  /** The account's network set names, when the list may reference them as @name (mailbox lists). */
  setNames?: readonly string[];
  /** The value already parsed by the form (with the same set names), so a long list is parsed once per change. */
  parsed?: AllowNetsParse;
}

/**
 * The "Allowed networks" textarea with live validation by the same parser the server uses
 * (lib/net/allowlist.ts): every invalid entry with its reason, the normalised result and the warnings.
 * It renders on the server too, so the analysis is there without JavaScript after each submit.
 */
export function AllowNetsField({ id, name, label, value, onChange, clientIp, emptyText, setNames, parsed: given }: Props) {
  const parsed = useMemo(() => given ?? parseAllowNets(value, { references: setNames ? new Set(setNames) : 'none' }), [given, value, setNames]);
  const analysisId = `${id}-analysis`;
  const t = useTranslations('AllowNetsField');
  const words = useTranslations('AllowlistProblems');
  // Lets end-to-end tests wait until typing reaches React's state instead of being replaced by hydration.
  const hydrated = useHydrated();
  // What the last "Add my current IP" did, said next to the button; typing in the field clears it.
  const [added, setAdded] = useState<AddAddressOutcome | null>(null);
  return (
    <div className="nets-field" data-hydrated={hydrated ? 'true' : undefined}>
      <label htmlFor={id}>{label}</label>
      <p className="field-hint" id={`${id}-hint`}>
        {t.rich('hint', { code: (text) => <code>{text}</code> })}
        {setNames ? (
          <>
            {t.rich('sets', { code: (text) => <code>{text}</code> })} {setNames.length > 0 ? `(${setNames.map((n) => `@${n}`).join(', ')})` : t('noSets')}
          </>
        ) : null}
        .
      </p>
      <textarea
        id={id}
        name={name}
        value={value}
        onChange={(e) => {
          setAdded(null);
          onChange(e.target.value);
        }}
        aria-describedby={`${id}-hint ${analysisId}`}
        aria-invalid={!parsed.ok}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        rows={3}
      />
      {clientIp !== undefined ? (
        <p>
          {/* Without JavaScript this posts the draft and the server appends the address (the same function). */}
          <button
            type="submit"
            name="intent"
            value="add-ip"
            className="secondary"
            disabled={!clientIp}
            aria-describedby={`${id}-add-ip-note`}
            onClick={(e) => {
              e.preventDefault();
              const result = addAddress(value, clientIp ?? null);
              setAdded(result.outcome);
              onChange(result.draft);
            }}
          >
            {t('addIp')}
            {clientIp ? ` (${clientIp})` : ''}
          </button>{' '}
          <span className="muted" id={`${id}-add-ip-note`} role="status" data-testid={`${id}-add-ip-note`}>
            {clientIp ? (added ? t(ADD_ADDRESS_KEYS[added], { address: clientIp }) : '') : t('unknown')}
          </span>
        </p>
      ) : null}
      <div id={analysisId} className="nets-analysis">
        {parsed.ok ? (
          <p aria-live="polite">
            {parsed.canonical === null ? (
              emptyText
            ) : parsed.canonical === value ? (
              // Already as it will be stored (a saved list, for one): the field shows it, no need to repeat it.
              <span data-testid={`${id}-normal`}>
                {t('fine', { count: parsed.entries.length + parsed.references.length })}
              </span>
            ) : (
              <>
                {t('normalised')}{' '}
                <code className="canonical" data-testid={`${id}-canonical`}>
                  {parsed.canonical}
                </code>{' '}
                {t('entries', { count: parsed.entries.length + parsed.references.length })}
              </>
            )}
          </p>
        ) : (
          <>
            <p className="error" aria-live="polite">
              {t('invalid', { count: parsed.errors.length })}
            </p>
            <div className="error">
              <EntryErrorList errors={parsed.errors} label={t('invalidLabel')} testId={`${id}-errors`} />
            </div>
          </>
        )}
        {parsed.warnings.length > 0 ? (
          <ul className="warning" aria-label={t('warnings')} data-testid={`${id}-warnings`}>
            {parsed.warnings.map((w, i) => (
              <li key={i}>
                <code>{w.entry}</code>: {entryWarningText(w, words)}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

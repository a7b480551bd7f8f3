'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useMemo, useState } from 'react';
import { draftMatcher, impactOf, IMPACT_WINDOW_DAYS, locksOut as newlyLocksOut } from '@/lib/mailboxes/sign-in-impact';
import { useHydrated } from '@/app/admin/_components/use-hydrated';
import { parseAllowNets } from '@/lib/net/allowlist';
import type { SignInAddressGroup } from '@/lib/mailboxes/sign-in-impact';
import { AllowNetsField } from '@/app/admin/_components/allow-nets-field';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { ImpactPreview } from '@/app/admin/_components/impact-preview';
import { EntryRows } from '@/app/admin/_components/entry-rows';
import { PhraseText } from '@/app/_components/phrase';
import { appendNet, draftMeta, type EntryInfoMap } from '@/app/admin/_components/entry-info';
import { NetworkSuggestions } from '@/app/admin/_components/network-suggestions';
import type { SetContent } from '@/lib/net/allowlist-entries';
import type { NetworkSuggestion } from '@/lib/netsets/suggestions';
import { saveMailboxAction, type MailboxFormState } from './actions';
import { storedOf, type MailboxSettings } from './mailbox-settings';
import { textDigest } from '@/app/admin/_components/form-digest';
import { MailKickOff } from '@/app/admin/_components/mail-kick-off';

interface Props {
  email: string;
  settings: MailboxSettings;
  clientIp: string | null;
  signIns: SignInAddressGroup[];
  signInsTruncated: boolean;
  /** The account's network sets (names for validation, contents for the preview and suggestions). */
  sets: Record<string, SetContent>;
  suggestions: NetworkSuggestion[];
  /** Render time (server clock): expired entries and the preview agree between server and browser. */
  now: number;
  /** How many entry rows to render (null = all). */
  rowLimit: number | null;
  /** Whether MAIL_KICK_URL is set (a forced change then ends open mail connections too). */
  mailKicks: boolean;
}

/** The mailbox's settings: allowed networks (entry rows, live validation, impact preview, lock-out confirmation, suggestions), list mode, forced change, memo. */
export function MailboxForm({ email, settings, clientIp, signIns, signInsTruncated, sets, suggestions, now, rowLimit, mailKicks }: Props) {
  // The initial state is only a version: the page's settings are the values, so a long list is in the page
  // once (the props) and not a second time in the form's serialised no-JavaScript state.
  const [state, formAction, pending] = useActionState<MailboxFormState, FormData>(saveMailboxAction, { version: 0 });
  // Entries of the stored list after the first rows have no row; they keep their stored label and expiry.
  const hidden = useMemo(() => (rowLimit === null ? null : new Set(settings.allowNets.split(',').slice(rowLimit))), [settings.allowNets, rowLimit]);
  // Re-keyed per answer: the fields start again from what the server returned (the canonical list after a save).
  return (
    <MailboxFields
      key={state.version}
      email={email}
      settings={settings}
      state={state}
      formAction={formAction}
      pending={pending}
      clientIp={clientIp}
      signIns={signIns}
      signInsTruncated={signInsTruncated}
      sets={sets}
      suggestions={suggestions}
      now={now}
      hidden={hidden}
      mailKicks={mailKicks}
    />
  );
}

/** The draft without one entry (by its canonical form), for the rows' "Remove". */
function removeNet(draft: string, net: string): string {
  const parsed = parseAllowNets(draft, { references: 'any' });
  const tokens = parsed.ok && parsed.canonical !== null ? parsed.canonical.split(',') : draft.split(/[\s,]+/);
  return tokens.filter((t) => t !== '' && t !== net).join(', ');
}

function MailboxFields({
  email,
  settings,
  state,
  formAction,
  pending,
  clientIp,
  signIns,
  signInsTruncated,
  sets,
  suggestions,
  now,
  hidden,
  mailKicks,
}: Omit<Props, 'rowLimit'> & { state: MailboxFormState; formAction: (formData: FormData) => void; pending: boolean; hidden: ReadonlySet<string> | null }) {
  const values = state.values ?? settings;
  const [draft, setDraft] = useState(values.allowNets);
  const [lockoutConfirmed, setLockoutConfirmed] = useState(false);
  const [info, setInfo] = useState<EntryInfoMap>(values.entryInfo);
  const setNames = useMemo(() => Object.keys(sets), [sets]);
  const hydrated = useHydrated();
  const t = useTranslations('MailboxSettings');
  const tap = useTranslations('MailboxAppPasswords');
  const stored = useMemo(() => state.stored ?? storedOf(settings), [state.stored, settings]);
  // The draft is parsed once per change, with the account's set names (an unknown @name is an invalid
  // entry, as on the server); the field, the rows, the preview and the suggestions all use this parse.
  const references = useMemo(() => new Set(setNames), [setNames]);
  const parsed = useMemo(() => parseAllowNets(draft, { references }), [draft, references]);
  const nets = useMemo(() => (parsed.ok && parsed.canonical !== null ? parsed.canonical.split(',') : null), [parsed]);
  const context = useMemo(() => ({ sets, meta: draftMeta(info), now }), [sets, info, now]);
  const allows = useMemo(() => draftMatcher(parsed, context), [parsed, context]);
  const impact = useMemo(() => impactOf(parsed, allows, signIns), [parsed, allows, signIns]);
  // The list stored now: a draft that only keeps refusing addresses it already refuses locks nobody out.
  const currentAllows = useMemo(
    () => draftMatcher(parseAllowNets(settings.allowNets, { references: 'any' }), { sets, meta: draftMeta(settings.entryInfo), now }),
    [settings.allowNets, settings.entryInfo, sets, now],
  );
  const isSaved = useMemo(() => parsed.ok && textDigest(parsed.canonical ?? '') === stored.listDigest, [parsed, stored]);
  // Without JavaScript only the server's answer can say so; with it, the live check decides as the admin types.
  const locksOut = hydrated ? !isSaved && newlyLocksOut(impact, currentAllows) : Boolean(state.lockout);
  // The server's refusal is about the draft it saw: once the field is valid again, the alert has done its job.
  const netAlertDone = hydrated && state.netErrors !== undefined && parsed.ok;
  const blocked = hydrated && !parsed.ok ? t('blockedInvalid') : hydrated && locksOut && !lockoutConfirmed ? t('blockedLockout') : null;
  return (
    <form action={formAction} noValidate aria-labelledby="settings-heading">
      <h2 id="settings-heading">{t('heading')}</h2>
      {netAlertDone ? null : <FormAlert message={state.formError} />}
      {state.notice ? (
        <div className="notice" role="status">
          <p>{state.notice}</p>
          {state.changes?.length ? (
            <ul data-testid="saved-changes">
              {state.changes.map((c, i) => (
                <li key={i}>
                  <PhraseText parts={c} />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <input type="hidden" name="email" value={email} />
      <input type="hidden" name="stored.listDigest" value={stored.listDigest} />
      <input type="hidden" name="stored.infoDigest" value={stored.infoDigest} />
      <input type="hidden" name="stored.allowNetsMode" value={stored.allowNetsMode} />
      <input type="hidden" name="stored.memo" value={stored.memo} />
      {stored.requireResetPassword ? <input type="hidden" name="stored.requireResetPassword" value="on" /> : null}

      <AllowNetsField
        id="allowNets"
        name="allowNets"
        label={t('allowNets')}
        value={draft}
        onChange={setDraft}
        clientIp={clientIp}
        emptyText={t('empty')}
        setNames={setNames}
        parsed={parsed}
      />
      <EntryRows
        id="allowNets"
        nets={nets}
        info={info}
        now={now}
        hidden={hidden}
        onInfoChange={(net, field, value) => setInfo((old) => ({ ...old, [net]: { ...(old[net] ?? { label: '', expires: '' }), [field]: value } }))}
        onRemove={(net) => setDraft((d) => removeNet(d, net))}
      />
      <label htmlFor="allowNetsMode">{t('mode')}</label>
      <select id="allowNetsMode" name="allowNetsMode" defaultValue={values.allowNetsMode} aria-describedby="allowNetsMode-hint">
        <option value="enforce">{t('modeEnforce')}</option>
        <option value="monitor">{t('modeMonitor')}</option>
      </select>
      <p className="field-hint" id="allowNetsMode-hint">
        {t('modeHint')}
      </p>
      <ImpactPreview impact={impact} groups={signIns} truncated={signInsTruncated} saved={isSaved} />
      {locksOut ? (
        <div className="alert lockout" data-testid="lockout-warning">
          <p>{t.rich('lockout', { strong: (text) => <strong>{text}</strong>, email, days: IMPACT_WINDOW_DAYS })}</p>
          <div className="checkbox">
            <input id="confirmLockout" name="confirmLockout" type="checkbox" value="yes" checked={lockoutConfirmed} onChange={(e) => setLockoutConfirmed(e.target.checked)} />
            <label htmlFor="confirmLockout">{t('lockoutConfirm')}</label>
          </div>
        </div>
      ) : null}
      <NetworkSuggestions suggestions={suggestions} draft={draft} allows={parsed.ok ? allows : null} onAdd={(net) => setDraft((d) => appendNet(d, net))} />
      {hydrated ? null : (
        <p>
          {/* With JavaScript the preview follows every keystroke; without it, this round trip updates it. */}
          <button type="submit" name="intent" value="preview" className="secondary">
            {t('preview')}
          </button>{' '}
          <span className="muted">{t('previewHint')}</span>
        </p>
      )}

      <div className="checkbox">
        <input id="requireResetPassword" name="requireResetPassword" type="checkbox" defaultChecked={values.requireResetPassword} aria-describedby="requireResetPassword-hint" />
        <label htmlFor="requireResetPassword">{t('forceChange')}</label>
      </div>
      <p className="field-hint" id="requireResetPassword-hint">
        {mailKicks ? t('forceChangeHintKicks') : t('forceChangeHint')}
      </p>
      {stored.requireResetPassword ? null : (
        <div className="checkbox">
          <input type="hidden" name="revokeAppPasswordsAsked" value="1" />
          <input id="revokeAppPasswords" name="revokeAppPasswords" type="checkbox" defaultChecked />
          <label htmlFor="revokeAppPasswords">{tap('revokeWithForcedChange')}</label>
        </div>
      )}
      {mailKicks ? null : <MailKickOff testId="mail-kick-off-forced-change" />}
      <label htmlFor="memo">{t('memo')}</label>
      <textarea id="memo" name="memo" defaultValue={values.memo} maxLength={2000} rows={2} aria-describedby={state.fieldErrors?.memo ? 'memo-error' : undefined} />
      {state.fieldErrors?.memo ? (
        <p className="error" id="memo-error">
          {state.fieldErrors.memo.join(' ')}
        </p>
      ) : null}
      <button type="submit" name="intent" value="save" disabled={pending || blocked !== null} aria-describedby={blocked ? 'save-blocked' : undefined}>
        {pending ? t('saving') : t('save')}
      </button>
      {blocked ? (
        <p className="field-hint" id="save-blocked" data-testid="save-blocked">
          {blocked}
        </p>
      ) : null}
    </form>
  );
}

'use client';

import { useActionState, useMemo, useState } from 'react';
import { parseAllowNets } from '@/lib/net/allowlist';
import { evaluateImpact, IMPACT_WINDOW_DAYS, refusesEveryAddress } from '@/lib/mailboxes/sign-in-impact';
import { useHydrated } from '@/app/admin/_components/use-hydrated';
import type { SignInAddressGroup } from '@/lib/mailboxes/sign-in-impact';
import { AllowNetsField } from '@/app/admin/_components/allow-nets-field';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { ImpactPreview } from '@/app/admin/_components/impact-preview';
import { saveMailboxAction, type MailboxFormState } from './actions';
import type { MailboxSettings } from './mailbox-settings';

interface Props {
  email: string;
  settings: MailboxSettings;
  clientIp: string | null;
  signIns: SignInAddressGroup[];
  signInsTruncated: boolean;
}

/** The mailbox's settings: allowed networks (live validation, impact preview, lock-out confirmation), forced change, memo. */
export function MailboxForm({ email, settings, clientIp, signIns, signInsTruncated }: Props) {
  const [state, formAction, pending] = useActionState<MailboxFormState, FormData>(saveMailboxAction, { version: 0, values: settings, stored: settings });
  // Re-keyed per answer: the fields start again from what the server returned (the canonical list after a save).
  return <MailboxFields key={state.version} email={email} state={state} formAction={formAction} pending={pending} clientIp={clientIp} signIns={signIns} signInsTruncated={signInsTruncated} />;
}

function MailboxFields({
  email,
  state,
  formAction,
  pending,
  clientIp,
  signIns,
  signInsTruncated,
}: Omit<Props, 'settings'> & { state: MailboxFormState; formAction: (formData: FormData) => void; pending: boolean }) {
  const [draft, setDraft] = useState(state.values.allowNets);
  const [lockoutConfirmed, setLockoutConfirmed] = useState(false);
  const hydrated = useHydrated();
  const { stored } = state;
  const parsed = useMemo(() => parseAllowNets(draft), [draft]);
  const impact = useMemo(() => evaluateImpact(draft, signIns), [draft, signIns]);
  const storedCanonical = useMemo(() => {
    const s = parseAllowNets(stored.allowNets);
    return s.ok ? s.canonical : null;
  }, [stored.allowNets]);
  const isSaved = parsed.ok && parsed.canonical === storedCanonical;
  // Without JavaScript only the server's answer can say so; with it, the live check decides as the admin types.
  const locksOut = hydrated ? !isSaved && refusesEveryAddress(impact) : Boolean(state.lockout);
  // The server's refusal is about the draft it saw: once the field is valid again, the alert has done its job.
  const netAlertDone = hydrated && state.netErrors !== undefined && parsed.ok;
  const blocked = hydrated && !parsed.ok ? 'Fix the invalid entries in Allowed networks to save.' : hydrated && locksOut && !lockoutConfirmed ? 'Tick the confirmation above to save a list that refuses every recent address.' : null;
  return (
    <form action={formAction} noValidate aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      {netAlertDone ? null : <FormAlert message={state.formError} />}
      {state.notice ? (
        <div className="notice" role="status">
          <p>{state.notice}</p>
          {state.changes?.length ? (
            <ul data-testid="saved-changes">
              {state.changes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <input type="hidden" name="email" value={email} />
      <input type="hidden" name="stored.allowNets" value={stored.allowNets} />
      <input type="hidden" name="stored.memo" value={stored.memo} />
      {stored.requireResetPassword ? <input type="hidden" name="stored.requireResetPassword" value="on" /> : null}

      <AllowNetsField id="allowNets" name="allowNets" label="Allowed networks" value={draft} onChange={setDraft} clientIp={clientIp} emptyText="Empty: no restriction, sign-in is allowed from any network." />
      <ImpactPreview draft={draft} groups={signIns} truncated={signInsTruncated} saved={isSaved} />
      {locksOut ? (
        <div className="alert lockout" data-testid="lockout-warning">
          <p>
            This list refuses <strong>every</strong> address {email} used in the last {IMPACT_WINDOW_DAYS} days: the user will be locked out of webmail, the API and mail apps
            everywhere they have been.
          </p>
          <div className="checkbox">
            <input id="confirmLockout" name="confirmLockout" type="checkbox" value="yes" checked={lockoutConfirmed} onChange={(e) => setLockoutConfirmed(e.target.checked)} />
            <label htmlFor="confirmLockout">Yes, save this list anyway</label>
          </div>
        </div>
      ) : null}
      {hydrated ? null : (
        <p>
          {/* With JavaScript the preview follows every keystroke; without it, this round trip updates it. */}
          <button type="submit" name="intent" value="preview" className="secondary">
            Preview
          </button>{' '}
          <span className="muted">updates the impact preview without saving.</span>
        </p>
      )}

      <div className="checkbox">
        <input id="requireResetPassword" name="requireResetPassword" type="checkbox" defaultChecked={state.values.requireResetPassword} aria-describedby="requireResetPassword-hint" />
        <label htmlFor="requireResetPassword">Force password change at next login</label>
      </div>
      <p className="field-hint" id="requireResetPassword-hint">
        Applies to this mailbox everywhere (web, API, mail apps). Turning it on ends every open session at once; after the next sign-in the user can only choose a new password.
        Turning it off cancels a pending change.
      </p>
      <label htmlFor="memo">Memo</label>
      <textarea id="memo" name="memo" defaultValue={state.values.memo} maxLength={2000} rows={2} aria-describedby={state.fieldErrors?.memo ? 'memo-error' : undefined} />
      {state.fieldErrors?.memo ? (
        <p className="error" id="memo-error">
          {state.fieldErrors.memo.join(' ')}
        </p>
      ) : null}
      <button type="submit" name="intent" value="save" disabled={pending || blocked !== null} aria-describedby={blocked ? 'save-blocked' : undefined}>
        {pending ? 'Saving…' : 'Save'}
      </button>
      {blocked ? (
        <p className="field-hint" id="save-blocked" data-testid="save-blocked">
          {blocked}
        </p>
      ) : null}
    </form>
  );
}

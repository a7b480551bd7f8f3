'use client';

import { useActionState, useEffect, useRef, useState } from 'react';
import { AllowNetsField } from '@/app/admin/_components/allow-nets-field';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { BULK_ACTION_LABELS } from '@/app/admin/_components/labels';
import { keepFieldsSubmit } from '@/app/admin/_components/keep-fields-submit';
import { useHydrated } from '@/app/admin/_components/use-hydrated';
import { MailKickOff } from '@/app/admin/_components/mail-kick-off';
import { bulkAction, type BulkConfirmation, type BulkFormState } from './actions';

const TEXT = {
  compactHint: 'Select mailboxes in the list to change several at once',
  revokeAppPasswords: 'Also revoke their app passwords (mail apps then need new ones)',
} as const;

const BULK_ACTION_KINDS = Object.keys(BULK_ACTION_LABELS) as (keyof typeof BULK_ACTION_LABELS)[];

interface Props {
  /** The current search and filter: "all matching" means these. */
  query: { q: string; domain: string; filter: string; age: string };
  total: number;
  /** The list's current URL, for "Cancel". */
  href: string;
  /** The account's network set names: the networks may reference them as @name, checked live as on the server. */
  setNames: string[];
  /** The mailbox table, whose row checkboxes (name="selected") belong to this form. */
  children: React.ReactNode;
}

function ConfirmForm({ confirm, formAction, pending, href }: { confirm: BulkConfirmation; formAction: (f: FormData) => void; pending: boolean; href: string }) {
  const t = confirm.target;
  return (
    <form action={formAction} className="card confirm" aria-labelledby="confirm-heading">
      <h2 id="confirm-heading">Confirm the change</h2>
      <p data-testid="bulk-question">{confirm.question}</p>
      {confirm.mailKicksOff ? <MailKickOff testId="mail-kick-off-bulk" /> : null}
      {confirm.sample.length > 0 ? (
        <p className="muted">
          {confirm.count > confirm.sample.length ? 'Among them: ' : 'Mailboxes: '}
          {confirm.sample.join(', ')}
          {confirm.count > confirm.sample.length ? ', …' : ''}
        </p>
      ) : null}
      <input type="hidden" name="step" value="apply" />
      <input type="hidden" name="action" value={confirm.action} />
      <input type="hidden" name="allowNets" value={confirm.allowNets ?? ''} />
      <input type="hidden" name="expectedCount" value={confirm.count} />
      <input type="hidden" name="target" value={t.kind} />
      {confirm.action === 'force_reset' ? (
        <p>
          <input type="hidden" name="revokeAppPasswordsAsked" value="1" />
          <input id="bulk-revokeAppPasswords" name="revokeAppPasswords" type="checkbox" defaultChecked />
          <label htmlFor="bulk-revokeAppPasswords">{TEXT.revokeAppPasswords}</label>
        </p>
      ) : null}
      {t.kind === 'selected' ? (
        t.emails.map((e) => <input key={e} type="hidden" name="selected" value={e} />)
      ) : (
        <>
          <input type="hidden" name="q" value={t.q} />
          <input type="hidden" name="domain" value={t.domain} />
          <input type="hidden" name="filter" value={t.filter} />
          <input type="hidden" name="age" value={t.age} />
        </>
      )}
      <button type="submit" disabled={pending}>
        {pending ? 'Applying…' : `Apply to ${confirm.count.toLocaleString('en-US')} mailbox${confirm.count === 1 ? '' : 'es'}`}
      </button>{' '}
      <a href={href} className="button secondary">
        Cancel
      </a>
    </form>
  );
}

/** Bulk changes on the selected mailboxes or on every mailbox matching the search and filter, with a confirmation step. */
export function BulkPanel({ query, total, href, setNames, children }: Props) {
  const [state, formAction, pending] = useActionState<BulkFormState, FormData>(bulkAction, { version: 0 });
  const formRef = useRef<HTMLFormElement>(null);
  const [selected, setSelected] = useState(0);
  const countSelected = () => setSelected(formRef.current?.querySelectorAll('input[name="selected"]:checked').length ?? 0);
  // After Apply the same mailboxes must not stay ticked, one Review → Apply away from a second change.
  const applied = state.result ? state.version : 0;
  useEffect(() => {
    if (!applied || !formRef.current) return;
    for (const box of formRef.current.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) box.checked = false;
    setSelected(0);
  }, [applied]);
  const hydrated = useHydrated();
  const controls = <BulkControls key={state.version} state={state} total={total} pending={pending} selected={selected} setNames={setNames} />;
  return (
    <>
      {state.confirm ? <ConfirmForm confirm={state.confirm} formAction={formAction} pending={pending} href={href} /> : null}
      {state.result ? (
        <p className="notice" role="status" data-testid="bulk-result">
          {state.result}
        </p>
      ) : null}
      <form ref={formRef} action={formAction} onSubmit={keepFieldsSubmit(formAction)} onChange={countSelected} noValidate aria-label="Mailboxes">
        <input type="hidden" name="step" value="review" />
        <input type="hidden" name="q" value={query.q} />
        <input type="hidden" name="domain" value={query.domain} />
        <input type="hidden" name="filter" value={query.filter} />
        <input type="hidden" name="age" value={query.age} />
        {/* Without JavaScript the controls are always open, above the list. With it they sit below the list,
            docked to the bottom of the viewport: opening them when a row is ticked never moves the list. */}
        {hydrated ? null : controls}
        {children}
        {hydrated ? controls : null}
      </form>
    </>
  );
}

const plural = (n: number) => `${n.toLocaleString('en-US')} mailbox${n === 1 ? '' : 'es'}`;

/**
 * No action is preselected. With JavaScript the controls are a bar docked to the bottom of the viewport, a
 * single line until rows are ticked (then "N selected" with the action) or "all matching" is chosen; without
 * it they are always shown above the list, since the page cannot know what is ticked.
 */
function BulkControls({ state, total, pending, selected, setNames }: { state: BulkFormState; total: number; pending: boolean; selected: number; setNames: string[] }) {
  const [action, setAction] = useState(state.values?.action ?? '');
  const [nets, setNets] = useState(state.values?.allowNets ?? '');
  const [target, setTarget] = useState(state.values?.target === 'matching' && total > 0 ? 'matching' : 'selected');
  const hydrated = useHydrated();
  const needsNets = action === 'replace_nets' || action === 'add_nets';
  const expanded = !hydrated || selected > 0 || target === 'matching' || Boolean(state.formError);
  const bar = hydrated && selected > 0;
  return (
    <fieldset className={`card bulk-controls${hydrated ? ' bulk-dock' : ''}${bar ? ' bulk-bar' : ''}${expanded ? '' : ' compact'}`} data-testid="bulk-controls">
      <legend>{bar ? <span className="selected-count">{selected.toLocaleString('en-US')} selected</span> : 'Change several mailboxes'}</legend>
      {expanded ? <FormAlert message={state.formError} /> : <p className="muted compact-hint">{TEXT.compactHint}{total > 0 ? ', or choose:' : '.'}</p>}
      <fieldset className="choices">
        <legend className={expanded ? undefined : 'visually-hidden'}>Apply to</legend>
        {expanded ? (
          <div className="checkbox">
            <input type="radio" id="target-selected" name="target" value="selected" checked={target === 'selected'} onChange={() => setTarget('selected')} />
            <label htmlFor="target-selected">{hydrated ? `The ${plural(selected)} selected in the list` : 'The mailboxes selected below'}</label>
          </div>
        ) : null}
        {total > 0 ? (
          <div className="checkbox">
            <input type="radio" id="target-matching" name="target" value="matching" checked={target === 'matching'} onChange={() => setTarget('matching')} />
            <label htmlFor="target-matching">All {plural(total)} matching the current search and filter</label>
          </div>
        ) : null}
      </fieldset>
      {expanded ? (
        <>
          <label htmlFor="bulk-action">Change</label>
          <select id="bulk-action" name="action" value={action} onChange={(e) => setAction(e.target.value)} required>
            <option value="">Choose an action…</option>
            {BULK_ACTION_KINDS.map((a) => (
              <option key={a} value={a}>
                {BULK_ACTION_LABELS[a]}
              </option>
            ))}
          </select>
          {/* Without JavaScript the field is always there (and ignored by the actions that need no networks). */}
          {needsNets || !hydrated ? (
            <AllowNetsField id="bulk-allowNets" name="allowNets" label="Networks (for replacing or adding)" value={nets} onChange={setNets} emptyText="Enter the networks to set or add." setNames={setNames} />
          ) : null}
          <button type="submit" disabled={pending || (hydrated && !action)} aria-describedby={hydrated && !action ? 'bulk-action-reason' : undefined}>
            {pending ? 'Checking…' : 'Review the change'}
          </button>
          {hydrated && !action ? (
            <span className="muted" id="bulk-action-reason">
              {' '}
              Choose an action first.
            </span>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

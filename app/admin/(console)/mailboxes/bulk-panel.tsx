'use client';

import { useActionState, useState } from 'react';
import { AllowNetsField } from '@/app/admin/_components/allow-nets-field';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { BULK_ACTION_LABELS } from '@/app/admin/_components/labels';
import { keepFieldsSubmit } from '@/app/admin/_components/keep-fields-submit';
import { useHydrated } from '@/app/admin/_components/use-hydrated';
import { bulkAction, type BulkConfirmation, type BulkFormState } from './actions';

const BULK_ACTION_KINDS = Object.keys(BULK_ACTION_LABELS) as (keyof typeof BULK_ACTION_LABELS)[];

interface Props {
  /** The current search and filter: "all matching" means these. */
  query: { q: string; domain: string; filter: string };
  total: number;
  /** The list's current URL, for "Cancel". */
  href: string;
  /** The mailbox table, whose row checkboxes (name="selected") belong to this form. */
  children: React.ReactNode;
}

function ConfirmForm({ confirm, formAction, pending, href }: { confirm: BulkConfirmation; formAction: (f: FormData) => void; pending: boolean; href: string }) {
  const t = confirm.target;
  return (
    <form action={formAction} className="card confirm" aria-labelledby="confirm-heading">
      <h2 id="confirm-heading">Confirm the change</h2>
      <p data-testid="bulk-question">{confirm.question}</p>
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
      {t.kind === 'selected' ? (
        t.emails.map((e) => <input key={e} type="hidden" name="selected" value={e} />)
      ) : (
        <>
          <input type="hidden" name="q" value={t.q} />
          <input type="hidden" name="domain" value={t.domain} />
          <input type="hidden" name="filter" value={t.filter} />
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
export function BulkPanel({ query, total, href, children }: Props) {
  const [state, formAction, pending] = useActionState<BulkFormState, FormData>(bulkAction, { version: 0 });
  return (
    <>
      {state.confirm ? <ConfirmForm confirm={state.confirm} formAction={formAction} pending={pending} href={href} /> : null}
      {state.result ? (
        <p className="notice" role="status" data-testid="bulk-result">
          {state.result}
        </p>
      ) : null}
      <form action={formAction} onSubmit={keepFieldsSubmit(formAction)} noValidate aria-label="Mailboxes">
        <input type="hidden" name="step" value="review" />
        <input type="hidden" name="q" value={query.q} />
        <input type="hidden" name="domain" value={query.domain} />
        <input type="hidden" name="filter" value={query.filter} />
        <BulkControls key={state.version} state={state} total={total} pending={pending} />
        {children}
      </form>
    </>
  );
}

function BulkControls({ state, total, pending }: { state: BulkFormState; total: number; pending: boolean }) {
  const [action, setAction] = useState(state.values?.action ?? 'force_reset');
  const [nets, setNets] = useState(state.values?.allowNets ?? '');
  const hydrated = useHydrated();
  const needsNets = action === 'replace_nets' || action === 'add_nets';
  return (
    <fieldset className="card bulk-controls">
      <legend>Change several mailboxes</legend>
      <FormAlert message={state.formError} netErrors={state.netErrors} testId="bulk-net-errors" />
      <fieldset className="choices">
        <legend>Apply to</legend>
        <div className="checkbox">
          <input type="radio" id="target-selected" name="target" value="selected" defaultChecked={state.values?.target !== 'matching'} />
          <label htmlFor="target-selected">The mailboxes selected below</label>
        </div>
        <div className="checkbox">
          <input type="radio" id="target-matching" name="target" value="matching" defaultChecked={state.values?.target === 'matching'} />
          <label htmlFor="target-matching">
            All {total.toLocaleString('en-US')} mailbox{total === 1 ? '' : 'es'} matching the current search and filter
          </label>
        </div>
      </fieldset>
      <label htmlFor="bulk-action">Change</label>
      <select id="bulk-action" name="action" value={action} onChange={(e) => setAction(e.target.value)}>
        {BULK_ACTION_KINDS.map((a) => (
          <option key={a} value={a}>
            {BULK_ACTION_LABELS[a]}
          </option>
        ))}
      </select>
      {/* Without JavaScript the field is always there (and ignored by the actions that need no networks). */}
      {needsNets || !hydrated ? (
        <AllowNetsField id="bulk-allowNets" name="allowNets" label="Networks (for replacing or adding)" value={nets} onChange={setNets} emptyText="Enter the networks to set or add." />
      ) : null}
      <button type="submit" disabled={pending}>
        {pending ? 'Checking…' : 'Review the change'}
      </button>
    </fieldset>
  );
}

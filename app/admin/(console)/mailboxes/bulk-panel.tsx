'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useEffect, useRef, useState } from 'react';
import { AllowNetsField } from '@/app/admin/_components/allow-nets-field';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { keepFieldsSubmit } from '@/app/admin/_components/keep-fields-submit';
import { useHydrated } from '@/app/admin/_components/use-hydrated';
import { MailKickOff } from '@/app/admin/_components/mail-kick-off';
import type { BulkActionKind } from '@/lib/mailboxes/bulk';
import { bulkAction, type BulkConfirmation, type BulkFormState } from './actions';

// The actions offered, in this order; their words are in the catalogue (`BulkAction`).
const BULK_ACTION_KINDS: BulkActionKind[] = ['replace_nets', 'add_nets', 'remove_restriction', 'force_reset', 'cancel_reset', 'mode_monitor', 'mode_enforce'];

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
  const target = confirm.target;
  const t = useTranslations('BulkPanel');
  return (
    <form action={formAction} className="card confirm" aria-labelledby="confirm-heading">
      <h2 id="confirm-heading">{t('confirmHeading')}</h2>
      <p data-testid="bulk-question">{confirm.question}</p>
      {confirm.mailKicksOff ? <MailKickOff testId="mail-kick-off-bulk" /> : null}
      {confirm.sample.length > 0 ? (
        <p className="muted">
          {confirm.count > confirm.sample.length ? t('amongThem') : t('mailboxes')} 
          {confirm.sample.join(', ')}
          {confirm.count > confirm.sample.length ? ', …' : ''}
        </p>
      ) : null}
      <input type="hidden" name="step" value="apply" />
      <input type="hidden" name="action" value={confirm.action} />
      <input type="hidden" name="allowNets" value={confirm.allowNets ?? ''} />
      <input type="hidden" name="expectedCount" value={confirm.count} />
      <input type="hidden" name="target" value={target.kind} />
      {confirm.action === 'force_reset' ? (
        <p>
          <input type="hidden" name="revokeAppPasswordsAsked" value="1" />
          <input id="bulk-revokeAppPasswords" name="revokeAppPasswords" type="checkbox" defaultChecked />
          <label htmlFor="bulk-revokeAppPasswords">{t('revokeAppPasswords')}</label>
        </p>
      ) : null}
      {target.kind === 'selected' ? (
        target.emails.map((e) => <input key={e} type="hidden" name="selected" value={e} />)
      ) : (
        <>
          <input type="hidden" name="q" value={target.q} />
          <input type="hidden" name="domain" value={target.domain} />
          <input type="hidden" name="filter" value={target.filter} />
          <input type="hidden" name="age" value={target.age} />
        </>
      )}
      <button type="submit" disabled={pending}>
        {pending ? t('applying') : t('apply', { count: confirm.count })}
      </button>{' '}
      <a href={href} className="button secondary">
        {t('cancel')}
      </a>
    </form>
  );
}

/** Bulk changes on the selected mailboxes or on every mailbox matching the search and filter, with a confirmation step. */
export function BulkPanel({ query, total, href, setNames, children }: Props) {
  const t = useTranslations('BulkPanel');
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
      <form ref={formRef} action={formAction} onSubmit={keepFieldsSubmit(formAction)} onChange={countSelected} noValidate aria-label={t('formLabel')}>
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

/**
 * No action is preselected. With JavaScript the controls are a bar docked to the bottom of the viewport, a
 * single line until rows are ticked (then "N selected" with the action) or "all matching" is chosen; without
 * it they are always shown above the list, since the page cannot know what is ticked.
 */
function BulkControls({ state, total, pending, selected, setNames }: { state: BulkFormState; total: number; pending: boolean; selected: number; setNames: string[] }) {
  const t = useTranslations('BulkPanel');
  const tAction = useTranslations('BulkAction');
  const [action, setAction] = useState(state.values?.action ?? '');
  const [nets, setNets] = useState(state.values?.allowNets ?? '');
  const [target, setTarget] = useState(state.values?.target === 'matching' && total > 0 ? 'matching' : 'selected');
  const hydrated = useHydrated();
  const needsNets = action === 'replace_nets' || action === 'add_nets';
  const expanded = !hydrated || selected > 0 || target === 'matching' || Boolean(state.formError);
  const bar = hydrated && selected > 0;
  return (
    <fieldset className={`card bulk-controls${hydrated ? ' bulk-dock' : ''}${bar ? ' bulk-bar' : ''}${expanded ? '' : ' compact'}`} data-testid="bulk-controls">
      <legend>{bar ? <span className="selected-count">{t('selected', { count: selected })}</span> : t('changeSeveral')}</legend>
      {expanded ? <FormAlert message={state.formError} /> : <p className="muted compact-hint">{t('compactHint')}{total > 0 ? t('orChoose') : '.'}</p>}
      <fieldset className="choices">
        <legend className={expanded ? undefined : 'visually-hidden'}>{t('applyTo')}</legend>
        {expanded ? (
          <div className="checkbox">
            <input type="radio" id="target-selected" name="target" value="selected" checked={target === 'selected'} onChange={() => setTarget('selected')} />
            <label htmlFor="target-selected">{hydrated ? t('selectedInList', { count: selected }) : t('selectedBelow')}</label>
          </div>
        ) : null}
        {total > 0 ? (
          <div className="checkbox">
            <input type="radio" id="target-matching" name="target" value="matching" checked={target === 'matching'} onChange={() => setTarget('matching')} />
            <label htmlFor="target-matching">{t('allMatching', { count: total })}</label>
          </div>
        ) : null}
      </fieldset>
      {expanded ? (
        <>
          <label htmlFor="bulk-action">{t('change')}</label>
          <select id="bulk-action" name="action" value={action} onChange={(e) => setAction(e.target.value)} required>
            <option value="">{t('chooseAction')}</option>
            {BULK_ACTION_KINDS.map((a) => (
              <option key={a} value={a}>
                {tAction(a)}
              </option>
            ))}
          </select>
          {/* Without JavaScript the field is always there (and ignored by the actions that need no networks). */}
          {needsNets || !hydrated ? (
            <AllowNetsField id="bulk-allowNets" name="allowNets" label={t('netsLabel')} value={nets} onChange={setNets} emptyText={t('netsEmpty')} setNames={setNames} />
          ) : null}
          <button type="submit" disabled={pending || (hydrated && !action)} aria-describedby={hydrated && !action ? 'bulk-action-reason' : undefined}>
            {pending ? t('checking') : t('review')}
          </button>
          {hydrated && !action ? (
            <span className="muted" id="bulk-action-reason">
              {' '}
              {t('actionFirst')}
            </span>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

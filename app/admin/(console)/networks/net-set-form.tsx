'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useMemo, useState } from 'react';
import { AllowNetsField } from '@/app/admin/_components/allow-nets-field';
import { EntryRows } from '@/app/admin/_components/entry-rows';
import type { EntryInfoMap } from '@/app/admin/_components/entry-info';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { parseAllowNets } from '@/lib/net/allowlist';
import { deleteNetSetAction, saveNetSetAction, type NetSetFormState } from './actions';

interface Props {
  /** The set's current name; absent for the "new set" form. */
  original?: string;
  name: string;
  description: string;
  allowNets: string;
  info: EntryInfoMap;
  usedBy?: number;
  now: number;
}

/** One set's form (or the "new set" form): name, description, networks as a list and as rows with labels and expiry. */
export function NetSetForm(props: Props) {
  const [state, formAction, pending] = useActionState<NetSetFormState, FormData>(saveNetSetAction, { version: 0 });
  const [deleted, deleteAction] = useActionState<NetSetFormState, FormData>(deleteNetSetAction, { version: 0 });
  const v = state.values ?? props;
  return <Fields key={state.version} {...props} {...v} state={state} deleted={deleted} formAction={formAction} deleteAction={deleteAction} pending={pending} />;
}

function Fields({
  original,
  name,
  description,
  allowNets,
  info: initialInfo,
  usedBy,
  now,
  state,
  deleted,
  formAction,
  deleteAction,
  pending,
}: Props & { state: NetSetFormState; deleted: NetSetFormState; formAction: (f: FormData) => void; deleteAction: (f: FormData) => void; pending: boolean }) {
  const [draft, setDraft] = useState(allowNets);
  const [info, setInfo] = useState<EntryInfoMap>(initialInfo);
  const t = useTranslations('NetSetForm');
  // Sets hold networks only (no @name): parsed once per change for the field and the rows.
  const parsed = useMemo(() => parseAllowNets(draft), [draft]);
  const nets = useMemo(() => (parsed.ok && parsed.canonical !== null ? parsed.canonical.split(',') : null), [parsed]);
  const id = original ? `set-${original}` : 'new-set';
  return (
    <>
      <form action={formAction} noValidate aria-label={original ? t('formLabel', { name: original }) : t('newFormLabel')} data-testid={id}>
        {original ? <input type="hidden" name="original" value={original} /> : null}
        <FormAlert message={state.formError} netErrors={state.netErrors} />
        {state.notice ? (
          <p className="notice" role="status">
            {state.notice}
          </p>
        ) : null}
        <label htmlFor={`${id}-name`}>{t('name')}</label>
        <p className="field-hint" id={`${id}-name-hint`}>
          {t('nameRule')}
        </p>
        <input
          id={`${id}-name`}
          name="name"
          defaultValue={state.values?.name ?? name}
          maxLength={41}
          pattern="@?[a-z0-9\-]{1,40}"
          required
          autoComplete="off"
          aria-invalid={state.nameError ? true : undefined}
          aria-describedby={state.nameError ? `${id}-name-hint ${id}-name-error` : `${id}-name-hint`}
        />
        {state.nameError ? (
          <p className="error" id={`${id}-name-error`}>
            {state.nameError}
          </p>
        ) : null}
        <label htmlFor={`${id}-description`}>{t('description')}</label>
        <input id={`${id}-description`} name="description" defaultValue={description} maxLength={500} />
        <AllowNetsField id={`${id}-nets`} name="allowNets" label={t('networks')} value={draft} onChange={setDraft} emptyText={t('empty')} parsed={parsed} />
        <EntryRows
          id={`${id}-nets`}
          nets={nets}
          info={info}
          now={now}
          onInfoChange={(net, field, value) => setInfo((old) => ({ ...old, [net]: { ...(old[net] ?? { label: '', expires: '' }), [field]: value } }))}
          onRemove={(net) => {
            setDraft(nets ? nets.filter((t) => t !== net).join(', ') : draft);
          }}
        />
        {usedBy !== undefined ? (
          <p className="muted">{t('usedBy', { count: usedBy })}</p>
        ) : null}
        <button type="submit" disabled={pending}>
          {original ? t('save') : t('create')}
        </button>
      </form>
      {original ? (
        <form action={deleteAction} className="inline">
          <input type="hidden" name="name" value={original} />
          <FormAlert message={deleted.formError} />
          <button type="submit" className="danger">
            {t('delete', { name: original })}
          </button>
        </form>
      ) : null}
    </>
  );
}

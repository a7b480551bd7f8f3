'use client';

import { useActionState } from 'react';
import { CopyButton } from '@/app/admin/_components/copy-button';
import { NOTIFY_EVENT_LABELS, NOTIFY_EVENT_TYPES } from '@/lib/notify/events-list';
import { ReauthFields } from '../_reauth/reauth-fields';
import { addDestinationAction, type DestinationFormState } from './actions';

const TEXT = {
  kind: 'Kind',
  webhook: 'Webhook (signed HTTPS POST)',
  email: 'E-mail',
  target: 'Webhook URL or e-mail address',
  targetHint: 'A webhook URL must start with https:// and reach a public address.',
  label: 'Label (optional)',
  events: 'Events',
  submit: 'Add destination',
  createdWebhook: 'Webhook added. Copy its signing secret now: it is shown only this once.',
  createdEmail: 'E-mail destination added.',
  secretHint: 'Your receiver checks X-Portcullis-Signature with this secret (see the README).',
  copyLabel: 'Copy the signing secret',
} as const;

/** "Add a destination": a sensitive step (asks for the password again after 5 minutes). Works without JavaScript. */
export function DestinationForm() {
  const [state, formAction, pending] = useActionState<DestinationFormState, FormData>(addDestinationAction, { version: 0 });
  const ticked = new Set(state.values?.events ?? NOTIFY_EVENT_TYPES);
  return (
    <div>
      {state.created ? (
        <div className="notice" role="status">
          <p>{state.created.secret ? TEXT.createdWebhook : TEXT.createdEmail}</p>
          {state.created.secret ? (
            <>
              <p>
                <code data-testid="new-webhook-secret">{state.created.secret}</code> <CopyButton text={state.created.secret} label={TEXT.copyLabel} />
              </p>
              <p className="muted">{TEXT.secretHint}</p>
            </>
          ) : null}
        </div>
      ) : null}
      <form action={formAction} noValidate key={state.version}>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <fieldset>
          <legend>{TEXT.kind}</legend>
          <label>
            <input type="radio" name="kind" value="webhook" defaultChecked={(state.values?.kind ?? 'webhook') === 'webhook'} /> {TEXT.webhook}
          </label>
          <label>
            <input type="radio" name="kind" value="email" defaultChecked={state.values?.kind === 'email'} /> {TEXT.email}
          </label>
        </fieldset>
        <label htmlFor="dest-target">{TEXT.target}</label>
        <p className="field-hint" id="dest-target-hint">
          {TEXT.targetHint}
        </p>
        <input id="dest-target" name="target" type="text" maxLength={2000} required defaultValue={state.values?.target} aria-describedby="dest-target-hint" />
        <label htmlFor="dest-label">{TEXT.label}</label>
        <input id="dest-label" name="label" type="text" maxLength={100} defaultValue={state.values?.label} />
        <fieldset>
          <legend>{TEXT.events}</legend>
          {NOTIFY_EVENT_TYPES.map((type) => (
            <label key={type}>
              <input type="checkbox" name="events" value={type} defaultChecked={ticked.has(type)} /> {NOTIFY_EVENT_LABELS[type]}
            </label>
          ))}
        </fieldset>
        <ReauthFields prompt={state.reauth} idPrefix="dest" />
        <button type="submit" disabled={pending}>
          {TEXT.submit}
        </button>
      </form>
    </div>
  );
}

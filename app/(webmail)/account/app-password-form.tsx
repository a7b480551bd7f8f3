'use client';

import { useActionState } from 'react';
import { CopyButton } from '@/app/admin/_components/copy-button';
import { createAppPasswordAction, type AppPasswordFormState } from './app-password-actions';

const TEXT = {
  created: (label: string) => `App password “${label}” created. Enter it in the mail app now: it is shown only this once.`,
  howTo: 'Use your e-mail address as the user name and this as the password. The spaces are only there to help you type it; the app may leave them out.',
  copyLabel: 'Copy the new app password',
  label: 'Label',
  labelHint: 'Which app or device it is for, such as “Anna’s iPhone”.',
  protocols: 'Protocols it may use',
  networks: 'Only from these networks (optional)',
  networksHint: 'Addresses and networks separated by commas. The networks your administrator allows for this mailbox apply as well: this can only narrow them.',
  expires: 'Expires (optional)',
  expiresHint: 'It works until the end of this day (UTC). Empty means it does not expire.',
  create: 'Create app password',
  creating: 'Creating…',
} as const;

const PROTOCOLS = [
  { value: 'imap', name: 'IMAP (reading mail)' },
  { value: 'pop3', name: 'POP3 (downloading mail)' },
  { value: 'smtp', name: 'SMTP (sending mail)' },
] as const;

/** "Create app password": the password is shown once, grouped for typing, with a copy button. Works without JavaScript. */
export function AppPasswordForm() {
  const [state, formAction, pending] = useActionState<AppPasswordFormState, FormData>(createAppPasswordAction, { version: 0 });
  const ticked = new Set(state.values?.protocols ?? ['imap', 'smtp']);
  return (
    <div>
      {state.created ? (
        <div className="notice" role="status">
          <p>{TEXT.created(state.created.label)}</p>
          <p>
            <code data-testid="new-app-password" className="app-password">
              {state.created.password}
            </code>{' '}
            <CopyButton text={state.created.password} label={TEXT.copyLabel} />
          </p>
          <p className="muted">{TEXT.howTo}</p>
        </div>
      ) : null}
      <form action={formAction} noValidate key={state.version}>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <label htmlFor="app-label">{TEXT.label}</label>
        <p className="field-hint" id="app-label-hint">
          {TEXT.labelHint}
        </p>
        <input id="app-label" name="label" type="text" maxLength={100} required defaultValue={state.values?.label} aria-describedby="app-label-hint" />
        <fieldset>
          <legend>{TEXT.protocols}</legend>
          {PROTOCOLS.map((p) => (
            <div className="checkbox" key={p.value}>
              <input id={`app-protocol-${p.value}`} name="protocols" type="checkbox" value={p.value} defaultChecked={ticked.has(p.value)} />
              <label htmlFor={`app-protocol-${p.value}`}>{p.name}</label>
            </div>
          ))}
        </fieldset>
        <label htmlFor="app-allow-nets">{TEXT.networks}</label>
        <p className="field-hint" id="app-allow-nets-hint">
          {TEXT.networksHint}
        </p>
        <textarea id="app-allow-nets" name="appAllowNets" rows={2} defaultValue={state.values?.allowNets} aria-describedby="app-allow-nets-hint" />
        <label htmlFor="app-expires">{TEXT.expires}</label>
        <p className="field-hint" id="app-expires-hint">
          {TEXT.expiresHint}
        </p>
        <input id="app-expires" name="expires" type="date" defaultValue={state.values?.expires} aria-describedby="app-expires-hint" />
        <button type="submit" disabled={pending}>
          {pending ? TEXT.creating : TEXT.create}
        </button>
      </form>
    </div>
  );
}

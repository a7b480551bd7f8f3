'use client';

import { useActionState } from 'react';
import { CopyButton } from '@/app/admin/_components/copy-button';
import { ReauthFields } from '../_reauth/reauth-fields';
import { createApiKeyAction, type ApiKeyFormState } from './actions';

const TEXT = {
  copyLabel: 'Copy the new API key',
} as const;

/**
 * "Create API key": the key is shown once, in place of the form. A sensitive step: the server asks for the
 * password (and second factor) again when the last proof is over 5 minutes old. Works without JavaScript.
 */
export function ApiKeyForm() {
  const [state, formAction, pending] = useActionState<ApiKeyFormState, FormData>(createApiKeyAction, { version: 0 });
  return (
    <div>
      {state.created ? (
        <div className="notice" role="status">
          <p>
            API key &ldquo;{state.created.label}&rdquo; created. Copy it now: it is shown only this once.
          </p>
          <p>
            <code data-testid="new-api-key">{state.created.key}</code> <CopyButton text={state.created.key} label={TEXT.copyLabel} />
          </p>
          <p className="muted">
            A script signs in to the API with your admin address as the user and this key as the password.
          </p>
        </div>
      ) : null}
      <form action={formAction} noValidate key={state.version}>
        {state.formError ? (
          <p className="alert" role="alert">
            {state.formError}
          </p>
        ) : null}
        <label htmlFor="key-label">Label</label>
        <input id="key-label" name="label" type="text" maxLength={100} required defaultValue={state.values?.label} />
        <label htmlFor="key-expires">Expires (optional)</label>
        <p className="field-hint" id="key-expires-hint">
          The key works until the end of this day (UTC). Empty means it does not expire.
        </p>
        <input id="key-expires" name="expires" type="date" defaultValue={state.values?.expires} aria-describedby="key-expires-hint" />
        <label htmlFor="key-allow-nets">Allowed networks for this key (optional)</label>
        <p className="field-hint" id="key-allow-nets-hint">
          Addresses and networks separated by commas. Your own allowed networks apply as well.
        </p>
        <textarea id="key-allow-nets" name="keyAllowNets" rows={2} defaultValue={state.values?.allowNets} aria-describedby="key-allow-nets-hint" />
        <ReauthFields prompt={state.reauth} idPrefix="key" />
        <button type="submit" disabled={pending}>
          Create API key
        </button>
      </form>
    </div>
  );
}

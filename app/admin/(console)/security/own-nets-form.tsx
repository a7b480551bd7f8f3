'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/app/admin/_components/form-alert';
import { setOwnAllowNetsAction, type OwnNetsState } from './actions';

/** The admin's own allowed networks (same syntax as a mailbox's). Works without JavaScript. */
export function OwnNetsForm({ allowNets, clientIp }: { allowNets: string; clientIp: string | null }) {
  const [state, formAction, pending] = useActionState<OwnNetsState, FormData>(setOwnAllowNetsAction, { version: 0, allowNets });
  return (
    <form action={formAction} noValidate key={state.version}>
      <FormAlert message={state.formError} netErrors={state.netErrors} testId="own-nets-errors" />
      <label htmlFor="own-allow-nets">Your allowed networks</label>
      <p className="field-hint" id="own-allow-nets-hint">
        Addresses and networks separated by commas, e.g. 203.0.113.0/24, 2001:db8::/48. Empty means any network. Your current address is{' '}
        <span className="mono">{clientIp ?? 'unknown'}</span>; a list without it cannot be saved.
      </p>
      <textarea id="own-allow-nets" name="allowNets" rows={3} defaultValue={state.allowNets} aria-describedby="own-allow-nets-hint" />
      <button type="submit" disabled={pending}>
        Save allowed networks
      </button>
    </form>
  );
}

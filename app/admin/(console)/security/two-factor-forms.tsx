'use client';

import { useActionState } from 'react';
import { RecoveryCodes } from '@/app/admin/two-factor/recovery-codes';
import { disableTwoFactorAction, regenerateRecoveryCodesAction, setTwoFactorPolicyAction, type TwoFactorFormState } from './actions';

/** "Turn off two-factor": the password or a current code proves it is the admin. Works without JavaScript. */
export function DisableTwoFactorForm() {
  const [state, formAction, pending] = useActionState<TwoFactorFormState, FormData>(disableTwoFactorAction, { version: 0 });
  return (
    <form action={formAction} noValidate key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <label htmlFor="disable-proof">Your password, or a code from your app</label>
      <input id="disable-proof" name="proof" type="password" autoComplete="current-password" required />
      <button type="submit" disabled={pending}>
        Turn off two-factor
      </button>
    </form>
  );
}

/** New recovery codes (the old ones stop working), shown once in place of the button. */
export function RegenerateCodesForm() {
  const [state, formAction, pending] = useActionState<TwoFactorFormState>(regenerateRecoveryCodesAction, { version: 0 });
  if (state.recoveryCodes) return <RecoveryCodes codes={state.recoveryCodes} />;
  return (
    <form action={formAction}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <button type="submit" disabled={pending}>
        Get new recovery codes
      </button>
    </form>
  );
}

/** The account policy checkbox. */
export function TwoFactorPolicyForm({ required }: { required: boolean }) {
  const [state, formAction, pending] = useActionState<TwoFactorFormState, FormData>(setTwoFactorPolicyAction, { version: 0 });
  return (
    <form action={formAction} key={state.version}>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      <div className="checkbox">
        <input id="require-two-factor" name="requireTwoFactor" type="checkbox" defaultChecked={required} />
        <label htmlFor="require-two-factor">Require two-factor for every admin of this account</label>
      </div>
      <button type="submit" disabled={pending}>
        Save policy
      </button>
    </form>
  );
}

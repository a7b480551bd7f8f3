'use client';

import { useActionState } from 'react';
import { setActiveAction, type ActiveFormState } from './actions';

/** Deactivation (and, later, deletion): kept apart from the ordinary settings, each with its consequence stated. */
export function DangerZone({ email, active }: { email: string; active: boolean }) {
  const [state, formAction, pending] = useActionState<ActiveFormState, FormData>(setActiveAction, {});
  return (
    <section className="card danger-zone" aria-labelledby="danger-heading">
      <h2 id="danger-heading">Danger zone</h2>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      {state.notice ? (
        <p className="notice" role="status" data-testid="active-result">
          {state.notice}
        </p>
      ) : null}
      <form action={formAction}>
        <input type="hidden" name="email" value={email} />
        {active ? (
          <>
            <p>
              Deactivating stops every sign-in of this mailbox (web, API, mail apps) and ends its open sessions at once. Its settings and messages are kept, and you can
              reactivate it here.
            </p>
            <button type="submit" className="danger" disabled={pending}>
              {pending ? 'Deactivating…' : 'Deactivate this mailbox'}
            </button>
          </>
        ) : (
          <>
            <input type="hidden" name="active" value="on" />
            <p>This mailbox is deactivated: it cannot sign in anywhere. Reactivating lets it sign in again with its current password and settings.</p>
            <button type="submit" className="secondary" disabled={pending}>
              {pending ? 'Reactivating…' : 'Reactivate this mailbox'}
            </button>
          </>
        )}
      </form>
    </section>
  );
}

'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { setActiveAction, type ActiveFormState } from './actions';

/** Deactivation (and, later, deletion): kept apart from the ordinary settings, each with its consequence stated. */
export function DangerZone({ email, active }: { email: string; active: boolean }) {
  const [state, formAction, pending] = useActionState<ActiveFormState, FormData>(setActiveAction, {});
  const t = useTranslations('DangerZone');
  return (
    <section className="card danger-zone" aria-labelledby="danger-heading">
      <h2 id="danger-heading">{t('heading')}</h2>
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
            <p>{t('deactivateText')}</p>
            <button type="submit" className="danger" disabled={pending}>
              {pending ? t('deactivating') : t('deactivate')}
            </button>
          </>
        ) : (
          <>
            <input type="hidden" name="active" value="on" />
            <p>{t('reactivateText')}</p>
            <button type="submit" className="secondary" disabled={pending}>
              {pending ? t('reactivating') : t('reactivate')}
            </button>
          </>
        )}
      </form>
    </section>
  );
}

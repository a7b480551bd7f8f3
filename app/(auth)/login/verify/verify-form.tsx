'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { verifyMailboxCodeAction, type VerifyState } from './actions';

/** The code form of the mailbox's second step. Works without JavaScript. */
export function MailboxVerifyForm({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations('Verify');
  const [state, formAction, pending] = useActionState<VerifyState, FormData>(verifyMailboxCodeAction, {});
  return (
    <form action={formAction} noValidate>
      {state.formError ? (
        <p className="alert" role="alert" id="verify-error">
          {state.formError}
        </p>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label htmlFor="code">{t('codeLabel')}</label>
      <p className="muted" id="code-hint">
        {t('codeHint')}
      </p>
      <input id="code" name="code" type="text" inputMode="text" autoComplete="one-time-code" autoCapitalize="off" spellCheck={false} maxLength={64} required aria-describedby="code-hint" autoFocus />
      <button type="submit" disabled={pending}>
        {pending ? t('pending') : t('submit')}
      </button>
    </form>
  );
}

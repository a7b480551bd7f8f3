'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';

export interface VerifyState {
  formError?: string;
}

/**
 * The code form of a two-factor sign-in's second step, for admins (/admin/login/verify) and mailboxes
 * (/login/verify): each page passes its own action. Works without JavaScript.
 */
export function VerifyForm({ callbackUrl, action }: { callbackUrl: string; action: (state: VerifyState, form: FormData) => Promise<VerifyState> }) {
  const t = useTranslations('Verify');
  const [state, formAction, pending] = useActionState<VerifyState, FormData>(action, {});
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

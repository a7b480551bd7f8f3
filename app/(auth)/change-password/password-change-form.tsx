'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import type { PasswordChangeState } from '@/lib/flows/password-change-state';
import { FieldErrors } from '@/app/_components/field-errors';
import { usePasswordFormKeeping } from '@/app/_components/password-fields';
import { PasswordHint } from '@/app/_components/password-hint';

type Action = (prev: PasswordChangeState, formData: FormData) => Promise<PasswordChangeState>;

/** The new-password form shared by the forced-change interstitial and /account. Works without JavaScript. */
export function PasswordChangeForm({ action, askCurrent, minLength }: { action: Action; askCurrent: boolean; minLength: number }) {
  const t = useTranslations('PasswordForm');
  const [state, formAction, pending] = useActionState(action, {});
  const e = state.fieldErrors ?? {};
  // A correct current password stays typed after a refusal; the new ones are asked again.
  const { formRef, onSubmit } = usePasswordFormKeeping(formAction, state, Boolean(e.currentPassword));
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate>
      {state.formError ? (
        <p className="alert" role="alert">
          {state.formError}
        </p>
      ) : null}
      {askCurrent ? (
        <>
          <label htmlFor="currentPassword">{t('current')}</label>
          <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required aria-describedby={e.currentPassword ? 'currentPassword-error' : undefined} />
          <FieldErrors id="currentPassword-error" messages={e.currentPassword} />
        </>
      ) : null}
      <label htmlFor="newPassword">{t('new')}</label>
      <p className="field-hint" id="newPassword-hint">
        <PasswordHint minLength={minLength} subject="own" hasCurrent={true} />
      </p>
      <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" required aria-describedby={e.newPassword ? 'newPassword-hint newPassword-error' : 'newPassword-hint'} />
      <FieldErrors id="newPassword-error" messages={e.newPassword} />
      <label htmlFor="confirmPassword">{t('again')}</label>
      <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required aria-describedby={e.confirmPassword ? 'confirmPassword-error' : undefined} />
      <FieldErrors id="confirmPassword-error" messages={e.confirmPassword} />
      <button type="submit" disabled={pending}>
        {pending ? t('pending') : t('submit')}
      </button>
    </form>
  );
}

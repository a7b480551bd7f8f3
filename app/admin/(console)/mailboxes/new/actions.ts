'use server';

import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '@/lib/errors';
import { checkPasswordPolicy } from '@/lib/auth/password-policy';
import { env } from '@/lib/env';
import { ownPasswordChangeSchema } from '@/lib/mailboxes/schemas';
import { createMailbox } from '@/lib/mailboxes/service';
import type { EntryError } from '@/lib/net/allowlist';
import { mailboxHref } from '../mailbox-href';
import { passwordProblemTexts, validationMessages } from '@/lib/i18n/password-problems';
import { getLocale } from 'next-intl/server';
import { formFieldErrors } from '@/lib/i18n/form-errors';
import { refusalText } from '@/app/_components/refusal-text';

type Field = 'local' | 'domain' | 'newPassword' | 'confirmPassword' | 'memo';

export interface CreateMailboxState {
  version: number;
  formError?: string;
  fieldErrors?: Partial<Record<Field, string[]>>;
  netErrors?: EntryError[];
  /** Everything but the passwords, so a refused form keeps what was typed. */
  values?: { local: string; domain: string; allowNets: string; requireResetPassword: boolean; active: boolean; memo: string };
}

const SERVICE_FIELDS: Record<string, Field> = { mail: 'local', password: 'newPassword', memo: 'memo' };

/** Creates a mailbox in one of the admin's domains; a domain of another account is "not found". */
export async function createMailboxAction(prev: CreateMailboxState, formData: FormData): Promise<CreateMailboxState> {
  const { admin, scope } = await requireAdmin();
  const values = {
    local: String(formData.get('local') ?? '').trim(),
    domain: String(formData.get('domain') ?? ''),
    allowNets: String(formData.get('allowNets') ?? ''),
    requireResetPassword: formData.get('requireResetPassword') === 'on',
    active: formData.get('active') === 'on',
    memo: String(formData.get('memo') ?? ''),
  };
  const base = { version: prev.version + 1, values };
  const passwords = ownPasswordChangeSchema.safeParse({ newPassword: String(formData.get('newPassword') ?? ''), confirmPassword: String(formData.get('confirmPassword') ?? '') });
  const email = `${values.local}@${values.domain}`;
  // Every problem at once: the missing address, the passwords' mismatch and each password rule.
  const fieldErrors: NonNullable<CreateMailboxState['fieldErrors']> = passwords.success ? {} : { ...(formFieldErrors(passwords.error.flatten().fieldErrors, await getLocale()) as CreateMailboxState['fieldErrors']) };
  const t = await getTranslations('NewMailboxErrors');
  if (!values.local) fieldErrors.local = [t('localMissing')];
  const newPassword = String(formData.get('newPassword') ?? '');
  if (newPassword && !fieldErrors.newPassword) {
    const problems = passwordProblemTexts(checkPasswordPolicy({ password: newPassword, email, minLength: env().PASSWORD_MIN_LENGTH }), await getLocale());
    if (problems.length > 0) fieldErrors.newPassword = problems;
  }
  if (!passwords.success || Object.keys(fieldErrors).length > 0) return { ...base, formError: t('fixFields'), fieldErrors };
  let created: string;
  try {
    const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
    const view = await createMailbox(
      scope,
      { email, password: newPassword, allowNets: values.allowNets, requireResetPassword: values.requireResetPassword, active: values.active, memo: values.memo },
      ctx,
    );
    created = view.email;
  } catch (error) {
    if (error instanceof ConflictError) return { ...base, formError: t('taken', { reason: await refusalText(error) }), fieldErrors: { local: [t('takenField')] } };
    if (error instanceof NotFoundError) {
      const reason = await refusalText(error);
      return { ...base, formError: t('noDomain', { reason }), fieldErrors: { domain: [reason] } };
    }
    if (error instanceof ValidationError) {
      if (error.field === 'allow_nets') return { ...base, formError: t('invalidNets'), netErrors: (error.details as EntryError[] | undefined) ?? [] };
      const field = SERVICE_FIELDS[error.field];
      const messages = error.field === 'password' ? validationMessages(error, await getLocale()) : [await refusalText(error)];
      return { ...base, formError: t('fixFields'), ...(field ? { fieldErrors: { [field]: messages } } : { formError: messages[0] }) };
    }
    if (error instanceof DomainError) return { ...base, formError: await refusalText(error) };
    throw error;
  }
  redirect(`${mailboxHref(created)}?created=1`);
}

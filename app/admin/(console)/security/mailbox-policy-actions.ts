'use server';

import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { setAccountPolicy } from '@/lib/accounts/policy';
import type { AccountPolicyPatch } from '@/lib/accounts/policy-schema';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { ValidationError } from '@/lib/errors';

export interface MailboxPolicyFormState {
  version: number;
  formError?: string;
  fieldErrors?: Record<string, string[]>;
  values?: { passwordMaxAgeDays: string };
}

/** A whole number typed into the form as the API's number; empty means "off" (null). Other text stays text, for the schema to refuse. */
function daysFromForm(value: FormDataEntryValue | null): number | null | string {
  const text = String(value ?? '').trim().slice(0, 12);
  if (text === '') return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/**
 * "Policies for mailboxes" on /admin/security (spec §20/§21): one form, one field of the patch per policy,
 * through the one service that `account.policy.set` calls too.
 */
export async function setMailboxPolicyAction(prev: MailboxPolicyFormState, formData: FormData): Promise<MailboxPolicyFormState> {
  const { scope, admin } = await requireAdmin();
  const patch: AccountPolicyPatch = {
    // Routine check (§21): empty = off.
    password_max_age_days: daysFromForm(formData.get('passwordMaxAgeDays')) as number | null,
    // Mail apps must use app passwords (§20).
    require_app_passwords: formData.get('requireAppPasswords') === 'on',
    // Require two-factor for mailboxes (§20).
    require_two_factor: formData.get('requireMailboxTwoFactor') === 'on',
  };
  try {
    await setAccountPolicy(scope, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), patch);
  } catch (error) {
    const values = { passwordMaxAgeDays: String(formData.get('passwordMaxAgeDays') ?? '').slice(0, 12) };
    if (error instanceof ValidationError) {
      // The service names the API field; the page names the form's label (the reason itself stays the service's).
      const t = await getTranslations('MailboxPolicyActions');
      return { version: prev.version + 1, fieldErrors: { passwordMaxAgeDays: [t('expiryError', { reason: error.message.replace(/^password_max_age_days: /, '') })] }, values };
    }
    throw error;
  }
  redirect('/admin/security?notice=mailbox-policy-saved');
}

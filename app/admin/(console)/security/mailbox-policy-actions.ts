'use server';

import { redirect } from 'next/navigation';
import { setAccountPolicy } from '@/lib/accounts/policy';
import { requireAdmin, webContext } from '@/lib/auth/dal';
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

/** "Policies for mailboxes" on /admin/security (spec §20/§21): the account's policies, through the one service. */
export async function setMailboxPolicyAction(prev: MailboxPolicyFormState, formData: FormData): Promise<MailboxPolicyFormState> {
  const { scope, admin } = await requireAdmin();
  const passwordMaxAgeDays = daysFromForm(formData.get('passwordMaxAgeDays'));
  try {
    await setAccountPolicy(scope, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), { password_max_age_days: passwordMaxAgeDays as number | null });
  } catch (error) {
    const values = { passwordMaxAgeDays: String(formData.get('passwordMaxAgeDays') ?? '').slice(0, 12) };
    if (error instanceof ValidationError) return { version: prev.version + 1, fieldErrors: { passwordMaxAgeDays: [error.message.replace(/^password_max_age_days: /, 'Passwords expire after: ')] }, values };
    throw error;
  }
  redirect('/admin/security?notice=mailbox-policy-saved');
}

'use server';

import { redirect } from 'next/navigation';
import { setAccountPolicy } from '@/lib/accounts/policy';
import { requireAdmin, webContext } from '@/lib/auth/dal';
import { DomainError } from '@/lib/errors';

export interface MailboxPolicyState {
  version: number;
  formError?: string;
}

/**
 * "Policies for mailboxes" (spec §20/§21): each policy is one checkbox of the form and one field of the
 * patch, so that every policy's form part stays a separate, small addition.
 */
export async function setMailboxPolicyAction(prev: MailboxPolicyState, formData: FormData): Promise<MailboxPolicyState> {
  const { admin, scope } = await requireAdmin();
  try {
    await setAccountPolicy(scope, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), {
      // Mailbox two-factor (spec §20).
      require_two_factor: formData.get('requireMailboxTwoFactor') === 'on',
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { version: prev.version + 1, formError: error.message };
  }
  redirect('/admin/security?notice=mailbox-policy-saved');
}

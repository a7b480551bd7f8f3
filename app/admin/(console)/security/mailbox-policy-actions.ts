'use server';

import { redirect } from 'next/navigation';
import { requireAdmin, webContext } from '@/lib/auth/dal';
import { setAccountPolicy } from '@/lib/accounts/policy';
import type { AccountPolicyPatch } from '@/lib/accounts/policy-schema';

/** "Policies for mailboxes" (spec §20/§21): each policy's field is read only when its form control was shown. */
export async function saveMailboxPoliciesAction(formData: FormData): Promise<void> {
  const { admin, scope } = await requireAdmin();
  const patch: AccountPolicyPatch = {};

  // "Mail apps must use app passwords": an unticked box sends nothing, so the marker says it was on the form.
  if (formData.get('requireAppPasswordsShown')) patch.require_app_passwords = formData.get('requireAppPasswords') === 'on';

  await setAccountPolicy(scope, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), patch);
  redirect('/admin/security?notice=mailbox-policies-saved#mailbox-policies-heading');
}

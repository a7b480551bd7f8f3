'use server';

import { notFound, redirect } from 'next/navigation';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { revokeAppPasswordOf } from '@/lib/app-passwords/service';
import { DomainError } from '@/lib/errors';
import { mailboxHref } from '../mailbox-href';

/** "Revoke" on one app password of the mailbox (audited; the mailbox's open mail connections end). */
export async function revokeMailboxAppPasswordAction(formData: FormData): Promise<void> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '').slice(0, 320);
  const id = Number(String(formData.get('id') ?? '').slice(0, 16));
  try {
    await revokeAppPasswordOf(scope, email, id, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  } catch (error) {
    // Another account's mailbox, a missing one and another mailbox's id all look the same.
    if (!(error instanceof DomainError)) throw error;
    notFound();
  }
  redirect(`${mailboxHref(email)}?notice=app-password-revoked#app-passwords-heading`);
}

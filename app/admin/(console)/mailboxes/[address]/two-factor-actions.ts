'use server';

import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { NotFoundError } from '@/lib/errors';
import { resetMailboxTwoFactor } from '@/lib/mailboxes/two-factor';
import type { ReauthPrompt } from '../../_reauth/prompt';
import { sensitiveStep } from '../../_reauth/sensitive-step';
import { mailboxHref } from '../mailbox-href';

export interface ResetTwoFactorState {
  version: number;
  /** The step needs "Confirm your password" first. */
  reauth?: ReauthPrompt;
  formError?: string;
}

/**
 * "Reset two-factor" on the mailbox page (spec §20): a sensitive step (the admin's password, and second
 * factor where on, within 5 minutes); the mailbox's sessions end. Another account's mailbox is not found.
 */
export async function resetMailboxTwoFactorAction(prev: ResetTwoFactorState, formData: FormData): Promise<ResetTwoFactorState> {
  const session = await requireAdmin();
  const { admin, scope } = session;
  const email = String(formData.get('email') ?? '').slice(0, 320);
  try {
    const outcome = await sensitiveStep(session, formData, async (proof) => resetMailboxTwoFactor(scope, email, proof, await webContext({ kind: 'admin', id: admin.id, email: admin.email })));
    if (!outcome.ok) return { version: prev.version + 1, reauth: outcome.reauth };
  } catch (error) {
    // Another account's mailbox and a missing one look the same: "not found", nothing changed.
    if (error instanceof NotFoundError) return { version: prev.version + 1, formError: (await getTranslations('MailboxTwoFactor'))('notFound', { email }) };
    throw error;
  }
  redirect(`${mailboxHref(email)}?notice=two-factor-reset`);
}

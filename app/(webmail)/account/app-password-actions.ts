'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { requireMailbox, webContext } from '@/lib/session/dal';
import { createAppPassword, revokeAppPassword } from '@/lib/app-passwords/service';
import { APP_PASSWORD_PROTOCOLS } from '@/lib/app-passwords/format';
import { DomainError, NotFoundError } from '@/lib/errors';
import { refusalText } from '@/app/_components/refusal-text';

export interface AppPasswordFormState {
  /** Bumped on every answer so the form re-reads its values. */
  version: number;
  formError?: string;
  /** Shown once: the new password, grouped for typing. */
  created?: { label: string; password: string };
  values?: { label: string; protocols: string[]; allowNets: string; expires: string };
}

/** "Create app password" on /account (the mailbox's own user only: the password is shown this once). */
export async function createAppPasswordAction(prev: AppPasswordFormState, formData: FormData): Promise<AppPasswordFormState> {
  const session = await requireMailbox();
  const { id, email, accountId } = session.mailbox;
  const values = {
    label: String(formData.get('label') ?? '').slice(0, 200),
    // Only the known names are passed on (at most three): the schema refuses anything else anyway.
    protocols: APP_PASSWORD_PROTOCOLS.filter((p) => formData.getAll('protocols').includes(p)),
    allowNets: String(formData.get('appAllowNets') ?? '').slice(0, 64 * 1024 + 1),
    expires: String(formData.get('expires') ?? '').slice(0, 20),
  };
  try {
    const created = await createAppPassword({ id, email, accountId }, values, await webContext({ kind: 'mailbox', id, email }));
    revalidatePath('/account');
    return { version: prev.version + 1, created: { label: values.label.trim(), password: created.password } };
  } catch (error) {
    // Bad input, the limit of 20, or too many created this hour: said as it is, nothing created.
    if (!(error instanceof DomainError)) throw error;
    return { version: prev.version + 1, values, formError: (await getTranslations('AppPasswordActions'))('notCreated', { reason: await refusalText(error) }) };
  }
}

/** "Revoke" on one of the user's own app passwords: the mailbox's open mail connections end. */
export async function revokeAppPasswordAction(formData: FormData): Promise<void> {
  const session = await requireMailbox();
  const { id: mailboxId, email, accountId } = session.mailbox;
  const id = Number(String(formData.get('id') ?? '').slice(0, 16));
  if (Number.isSafeInteger(id) && id > 0) {
    try {
      await revokeAppPassword({ id: mailboxId, email, accountId }, id, await webContext({ kind: 'mailbox', id: mailboxId, email }));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  redirect('/account?notice=app-password-revoked#app-passwords-heading');
}

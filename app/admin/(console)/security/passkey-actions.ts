'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { PasskeyRegistrationOptionsState } from '@/app/_components/add-passkey-form';
import { passkeyRegistrationOptions, registerPasskey, removePasskey, renamePasskey } from '@/lib/admins/passkeys';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { refusalText } from '@/app/_components/refusal-text';

/**
 * Passkey management (spec §14). Registration is also open to an admin confined to setting up two-factor
 * (/admin/two-factor): a passkey satisfies the account's policy like an authenticator app.
 */

/** The service's refusal in the reader's language (lib/service-problems.ts); anything else is not one. */
const message = async (error: unknown): Promise<string> => {
  if (error instanceof ValidationError || error instanceof ForbiddenError || error instanceof NotFoundError) return refusalText(error);
  throw error;
};

/** "Add a passkey", first half: creation options with a challenge bound to this session. */
export async function passkeyRegistrationOptionsAction(): Promise<PasskeyRegistrationOptionsState> {
  const { admin, claims } = await requireAdmin('enrolment');
  try {
    return { options: await passkeyRegistrationOptions(admin, claims.sid, (await headers()).get('host')) };
  } catch (error) {
    return { formError: await message(error) };
  }
}

/** "Add a passkey", second half: the authenticator's answer and the name the admin gave it. */
export async function registerPasskeyAction(name: unknown, response: unknown, next: unknown): Promise<{ formError?: string }> {
  const { admin, claims } = await requireAdmin('enrolment');
  try {
    await registerPasskey(admin, claims.sid, (await headers()).get('host'), { name: typeof name === 'string' ? name.slice(0, 200) : '', response }, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  } catch (error) {
    return { formError: await message(error) };
  }
  redirect(next === 'mailboxes' ? '/admin/mailboxes' : '/admin/security?notice=passkey-added');
}

export interface PasskeyFormState {
  version: number;
  formError?: string;
}

const idOf = (formData: FormData) => {
  const id = Number(String(formData.get('id') ?? '').slice(0, 16));
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
};

/** Renames one of the admin's own passkeys (works without JavaScript). */
export async function renamePasskeyAction(prev: PasskeyFormState, formData: FormData): Promise<PasskeyFormState> {
  const { admin } = await requireAdmin();
  try {
    await renamePasskey(admin, idOf(formData), String(formData.get('name') ?? '').slice(0, 200), await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  } catch (error) {
    return { version: prev.version + 1, formError: await message(error) };
  }
  redirect('/admin/security?notice=passkey-renamed');
}

/** Removes one of the admin's own passkeys, proven by the password (works without JavaScript). */
export async function removePasskeyAction(prev: PasskeyFormState, formData: FormData): Promise<PasskeyFormState> {
  const { admin } = await requireAdmin();
  try {
    await removePasskey(admin, idOf(formData), String(formData.get('password') ?? '').slice(0, 1100), await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  } catch (error) {
    return { version: prev.version + 1, formError: await message(error) };
  }
  redirect('/admin/security?notice=passkey-removed');
}

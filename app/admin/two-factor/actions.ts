'use server';

import { redirect } from 'next/navigation';
import { beginTotpSetup, confirmTotpSetup } from '@/lib/admins/two-factor';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { ValidationError } from '@/lib/errors';
import { refusalText } from '@/app/_components/refusal-text';

/** Starts (or restarts) authenticator setup with a fresh secret. */
export async function beginTotpSetupAction(): Promise<void> {
  const { admin } = await requireAdmin('enrolment');
  if (!admin.twoFactor) await beginTotpSetup(admin.id);
  redirect('/admin/two-factor');
}

export interface ConfirmTotpState {
  version: number;
  formError?: string;
  /** The new recovery codes: shown once, never stored in clear. */
  recoveryCodes?: string[];
}

/** Turns TOTP on after a correct code from the app; answers with the recovery codes. */
export async function confirmTotpAction(prev: ConfirmTotpState, formData: FormData): Promise<ConfirmTotpState> {
  const { admin } = await requireAdmin('enrolment');
  const code = String(formData.get('code') ?? '').slice(0, 100);
  try {
    const { recoveryCodes } = await confirmTotpSetup(admin, code, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
    return { version: prev.version + 1, recoveryCodes };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { version: prev.version + 1, formError: await refusalText(error) };
  }
}

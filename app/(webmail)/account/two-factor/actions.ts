'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { requireMailbox, webContext } from '@/lib/session/dal';
import { DomainError, ValidationError } from '@/lib/errors';
import { beginMailboxTotpSetup, confirmMailboxTotpSetup, disableMailboxTwoFactor, regenerateMailboxRecoveryCodes } from '@/lib/mailboxes/two-factor';
import { twoFactorMessage } from '@/lib/mailboxes/two-factor-messages';

/** A refusal of the service in the reader's language; a text the catalogue does not hold is shown as it is. */
async function inReadersLanguage(text: string): Promise<string> {
  const message = twoFactorMessage(text);
  if (!message) return text;
  if (message.namespace === 'Auth') return (await getTranslations('Auth'))('tooManyAttempts', { minutes: message.minutes });
  return (await getTranslations('MailboxTwoFactorActions'))(message.key);
}

/** Starts (or restarts) authenticator setup with a fresh secret. */
export async function beginMailboxTotpSetupAction(): Promise<void> {
  const { mailbox } = await requireMailbox('enrolment');
  if (!mailbox.twoFactor) await beginMailboxTotpSetup(mailbox.id);
  redirect('/account/two-factor');
}

export interface ConfirmTotpState {
  version: number;
  formError?: string;
  /** The new recovery codes: shown once, never stored in clear. */
  recoveryCodes?: string[];
}

/** Turns TOTP on after a correct code from the app; answers with the recovery codes. */
export async function confirmMailboxTotpAction(prev: ConfirmTotpState, formData: FormData): Promise<ConfirmTotpState> {
  const { mailbox, claims } = await requireMailbox('enrolment');
  const code = String(formData.get('code') ?? '').slice(0, 100);
  try {
    const { recoveryCodes } = await confirmMailboxTotpSetup(mailbox, claims.sid, code, await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email }));
    return { version: prev.version + 1, recoveryCodes };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { version: prev.version + 1, formError: await inReadersLanguage(error.message) };
  }
}

export interface DisableState {
  formError?: string;
}

/** Turns two-factor off: asks for the password and a current code again (lib/mailboxes/two-factor.ts). */
export async function disableMailboxTwoFactorAction(_prev: DisableState, formData: FormData): Promise<DisableState> {
  const { mailbox } = await requireMailbox();
  const password = String(formData.get('password') ?? '').slice(0, 1024);
  const code = String(formData.get('code') ?? '').slice(0, 100);
  try {
    await disableMailboxTwoFactor(mailbox, { password, code }, await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email }));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { formError: await inReadersLanguage(error.message) };
  }
  redirect('/account?notice=two-factor-off');
}

export interface RegenerateCodesState {
  version: number;
  formError?: string;
  /** The new recovery codes: shown once, never stored in clear. */
  recoveryCodes?: string[];
}

/** New recovery codes: asks for the password and a current code again; the old codes stop working. */
export async function regenerateMailboxRecoveryCodesAction(prev: RegenerateCodesState, formData: FormData): Promise<RegenerateCodesState> {
  const { mailbox } = await requireMailbox();
  const password = String(formData.get('password') ?? '').slice(0, 1024);
  const code = String(formData.get('code') ?? '').slice(0, 100);
  try {
    const recoveryCodes = await regenerateMailboxRecoveryCodes(mailbox, { password, code }, await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email }));
    // The page's "Unused recovery codes" count is rendered by the server: refresh it with the answer.
    revalidatePath('/account/two-factor');
    return { version: prev.version + 1, recoveryCodes };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { version: prev.version + 1, formError: await inReadersLanguage(error.message) };
  }
}

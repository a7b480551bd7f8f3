'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { requireMailbox, webContext } from '@/lib/session/dal';
import { DomainError, ValidationError } from '@/lib/errors';
import { beginMailboxTotpSetup, confirmMailboxTotpSetup, disableMailboxTwoFactor, mailboxTwoFactorSummary, regenerateMailboxRecoveryCodes } from '@/lib/mailboxes/two-factor';
import { mailboxPasskeyRegistrationOptions, registerMailboxPasskey, removeMailboxPasskey } from '@/lib/mailboxes/passkeys';
import type { PasskeyRegisteredState, PasskeyRegistrationOptionsState } from '@/app/_components/add-passkey-form';
import { twoFactorMessage } from '@/lib/mailboxes/two-factor-messages';
import { refusalText } from '@/app/_components/refusal-text';

/**
 * A refusal of the service in the reader's language: a coded one (the passkey ceremonies shared with the
 * admins, lib/service-problems.ts) from 'ServiceErrors', the mailbox's own from its catalogue; a text the
 * catalogue does not hold is shown as it is.
 */
async function inReadersLanguage(error: DomainError): Promise<string> {
  if (error.problem) return refusalText(error);
  const text = error.message;
  const message = twoFactorMessage(text);
  if (!message) return text;
  if (message.namespace === 'Auth') return (await getTranslations('Auth'))('tooManyAttempts', { minutes: message.minutes });
  return (await getTranslations('MailboxTwoFactorActions'))(message.key);
}

/** Starts (or restarts) authenticator setup with a fresh secret. */
export async function beginMailboxTotpSetupAction(): Promise<void> {
  const { mailbox } = await requireMailbox('enrolment');
  // A passkey may have turned two-factor on: the authenticator app can still be added beside it.
  if (!(await mailboxTwoFactorSummary(mailbox.id)).totpEnabled) await beginMailboxTotpSetup(mailbox.id);
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
    return { version: prev.version + 1, formError: await inReadersLanguage(error) };
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
  let stillOn: boolean;
  try {
    ({ stillOn } = await disableMailboxTwoFactor(mailbox, { password, code }, await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email })));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { formError: await inReadersLanguage(error) };
  }
  // With a passkey left only the app went: two-factor is still on, and the page says so.
  redirect(stillOn ? '/account/two-factor' : '/account?notice=two-factor-off');
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
    return { version: prev.version + 1, formError: await inReadersLanguage(error) };
  }
}

/** "Add a passkey", first half: creation options with a challenge bound to this session and mailbox. */
export async function mailboxPasskeyRegistrationOptionsAction(): Promise<PasskeyRegistrationOptionsState> {
  const { mailbox, claims } = await requireMailbox('enrolment');
  try {
    return { options: await mailboxPasskeyRegistrationOptions(mailbox, claims.sid, (await headers()).get('host')) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { formError: await inReadersLanguage(error) };
  }
}

/**
 * "Add a passkey", second half: the authenticator's answer and its name. The first second factor answers with
 * the recovery codes (shown once by the form); otherwise back to the page.
 */
export async function registerMailboxPasskeyAction(name: unknown, response: unknown): Promise<PasskeyRegisteredState> {
  const { mailbox, claims } = await requireMailbox('enrolment');
  let recoveryCodes: string[] | null;
  try {
    const context = await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email });
    ({ recoveryCodes } = await registerMailboxPasskey(mailbox, claims.sid, (await headers()).get('host'), { name: typeof name === 'string' ? name.slice(0, 200) : '', response }, context));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { formError: await inReadersLanguage(error) };
  }
  if (recoveryCodes) return { recoveryCodes };
  redirect('/account/two-factor?notice=passkey-added');
}

export interface RemovePasskeyState {
  version: number;
  formError?: string;
}

/** Removes one of the mailbox's own passkeys: the password, and a code when it is the last second factor. */
export async function removeMailboxPasskeyAction(prev: RemovePasskeyState, formData: FormData): Promise<RemovePasskeyState> {
  const { mailbox } = await requireMailbox();
  const id = Number(String(formData.get('id') ?? '').slice(0, 16));
  const password = String(formData.get('password') ?? '').slice(0, 1024);
  const code = String(formData.get('code') ?? '').slice(0, 100);
  let twoFactorOff: boolean;
  try {
    ({ twoFactorOff } = await removeMailboxPasskey(mailbox, Number.isSafeInteger(id) && id > 0 ? id : 0, { password, code }, await webContext({ kind: 'mailbox', id: mailbox.id, email: mailbox.email })));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { version: prev.version + 1, formError: await inReadersLanguage(error) };
  }
  redirect(twoFactorOff ? '/account?notice=two-factor-off' : '/account/two-factor?notice=passkey-removed');
}

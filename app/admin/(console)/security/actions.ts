'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { setAdminAllowNets } from '@/lib/admins/service';
import { submitAdminPasswordChange } from '@/lib/flows/admin-password-change';
import { requireAdmin, webContext } from '@/lib/session/dal';
import type { PasswordChangeState } from '@/lib/flows/password-change-state';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { createApiKey, revokeApiKey } from '@/lib/admins/api-keys';
import { disableOwnTwoFactor, regenerateRecoveryCodes, setRequireTwoFactor } from '@/lib/admins/two-factor';
import type { EntryError } from '@/lib/net/allowlist';
import { signOutOtherSessions, signOutOwnSession } from '@/lib/sessions/service';
import type { ReauthPrompt } from '../_reauth/prompt';
import { sensitiveStep } from '../_reauth/sensitive-step';
import { refusalText } from '@/app/_components/refusal-text';

/** The admin's own password change: current + new twice; every other session of the admin ends. */
export async function changeAdminPasswordAction(_prev: PasswordChangeState, formData: FormData): Promise<PasswordChangeState> {
  const session = await requireAdmin();
  const failure = await submitAdminPasswordChange(session, formData, 'voluntary');
  if (failure) return failure;
  redirect('/admin/security?notice=password-changed');
}

const channelOf = (value: FormDataEntryValue | null) => (value === 'api' ? 'api' : value === 'web' ? 'web' : null);

/** "Sign out" on one of the admin's own sessions. */
export async function signOutAdminSessionAction(formData: FormData): Promise<void> {
  const { admin } = await requireAdmin();
  const channel = channelOf(formData.get('channel'));
  const id = Number(String(formData.get('id') ?? '').slice(0, 16));
  if (channel && Number.isSafeInteger(id) && id > 0) {
    await signOutOwnSession({ kind: 'admin', id: admin.id, email: admin.email, accountId: admin.accountId }, channel, id, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  }
  redirect('/admin/security?notice=signed-out-session');
}

/** "Sign out everywhere else" for the admin: every other web and API session ends. */
export async function signOutOtherAdminSessionsAction(): Promise<void> {
  const { admin, claims } = await requireAdmin();
  await signOutOtherSessions({ kind: 'admin', id: admin.id, email: admin.email, accountId: admin.accountId }, claims.sid, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  redirect('/admin/security?notice=signed-out-others');
}

export interface OwnNetsState {
  version: number;
  allowNets: string;
  formError?: string;
  netErrors?: EntryError[];
}

/** The admin's own allowed networks; a list that would refuse the current address is refused (no self-lockout). */
export async function setOwnAllowNetsAction(prev: OwnNetsState, formData: FormData): Promise<OwnNetsState> {
  const { admin, scope, clientIp } = await requireAdmin();
  const raw = String(formData.get('allowNets') ?? '');
  const base = { version: prev.version + 1, allowNets: raw };
  const t = await getTranslations('SecurityActions');
  if (raw.length > 64 * 1024) return { ...base, formError: t('listTooLong') };
  try {
    await setAdminAllowNets(scope, admin.email, raw, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), clientIp);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const netErrors = (error.details as EntryError[] | undefined) ?? undefined;
    return { ...base, formError: netErrors?.length ? t('invalidEntries') : t('notSaved', { reason: await refusalText(error) }), netErrors };
  }
  redirect('/admin/security?notice=nets-saved');
}

export interface TwoFactorFormState {
  version: number;
  formError?: string;
  /** The step needs "Confirm your password" first. */
  reauth?: ReauthPrompt;
  /** Fresh recovery codes, shown once. */
  recoveryCodes?: string[];
}

/** The service's refusal in the reader's language (lib/service-problems.ts); anything else is not one. */
const domainMessage = async (error: unknown): Promise<string> => {
  if (error instanceof ValidationError || error instanceof ForbiddenError) return refusalText(error);
  throw error;
};

/** Turns the admin's own two-factor off: a sensitive step (password and code within the last 5 minutes). */
export async function disableTwoFactorAction(prev: TwoFactorFormState, formData: FormData): Promise<TwoFactorFormState> {
  const session = await requireAdmin();
  const { admin } = session;
  try {
    const outcome = await sensitiveStep(session, formData, async (proof) => disableOwnTwoFactor(admin, proof, await webContext({ kind: 'admin', id: admin.id, email: admin.email })));
    if (!outcome.ok) return { version: prev.version + 1, reauth: outcome.reauth };
  } catch (error) {
    return { version: prev.version + 1, formError: await domainMessage(error) };
  }
  redirect('/admin/security?notice=two-factor-off');
}

/** New recovery codes; the old ones stop working. A sensitive step. */
export async function regenerateRecoveryCodesAction(prev: TwoFactorFormState, formData: FormData): Promise<TwoFactorFormState> {
  const session = await requireAdmin();
  const { admin } = session;
  try {
    const outcome = await sensitiveStep(session, formData, async (proof) => regenerateRecoveryCodes(admin, proof, await webContext({ kind: 'admin', id: admin.id, email: admin.email })));
    if (!outcome.ok) return { version: prev.version + 1, reauth: outcome.reauth };
    return { version: prev.version + 1, recoveryCodes: outcome.value };
  } catch (error) {
    return { version: prev.version + 1, formError: await domainMessage(error) };
  }
}

/** The account policy "Require two-factor for every admin of this account". */
export async function setTwoFactorPolicyAction(prev: TwoFactorFormState, formData: FormData): Promise<TwoFactorFormState> {
  const { admin } = await requireAdmin();
  const required = formData.get('requireTwoFactor') === 'on';
  try {
    await setRequireTwoFactor(admin, required, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  } catch (error) {
    return { version: prev.version + 1, formError: await domainMessage(error) };
  }
  redirect(`/admin/security?notice=${required ? 'policy-on' : 'policy-off'}`);
}

export interface ApiKeyFormState {
  version: number;
  formError?: string;
  fieldErrors?: Record<string, string[]>;
  /** The step needs "Confirm your password" first. */
  reauth?: ReauthPrompt;
  /** The new key in clear: shown once, never stored. */
  created?: { label: string; key: string };
  values?: { label: string; expires: string; allowNets: string };
}

/**
 * Creates an API key (label, optional expiry date, optional networks); answers with the key, once. A
 * sensitive step: asks for the password (and second factor) again when the last proof is over 5 minutes old.
 */
export async function createApiKeyAction(prev: ApiKeyFormState, formData: FormData): Promise<ApiKeyFormState> {
  const session = await requireAdmin();
  const { admin } = session;
  const values = {
    label: String(formData.get('label') ?? '').slice(0, 200),
    expires: String(formData.get('expires') ?? '').slice(0, 20),
    allowNets: String(formData.get('keyAllowNets') ?? '').slice(0, 64 * 1024 + 1),
  };
  try {
    const outcome = await sensitiveStep(session, formData, async (proof) => createApiKey(admin, values, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), proof));
    if (!outcome.ok) return { version: prev.version + 1, values, reauth: outcome.reauth };
    // The key list above the form is server-rendered: refresh it with this answer, so that the new key is
    // listed at once (and "No API keys yet." goes) without a reload.
    revalidatePath('/admin/security');
    return { version: prev.version + 1, created: { label: values.label.trim(), key: outcome.value.key } };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { version: prev.version + 1, values, formError: (await getTranslations('SecurityActions'))('notSaved', { reason: await refusalText(error) }) };
  }
}

/** Revokes one of the admin's own keys; sessions opened with it end. */
export async function revokeApiKeyAction(formData: FormData): Promise<void> {
  const { admin } = await requireAdmin();
  const id = Number(String(formData.get('id') ?? '').slice(0, 16));
  if (Number.isSafeInteger(id) && id > 0) {
    try {
      await revokeApiKey(admin, id, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  redirect('/admin/security?notice=key-revoked');
}

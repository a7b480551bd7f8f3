'use server';

import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { addAdmin, getAdmin, setAdminActive } from '@/lib/admins/service';
import { resetAdminTwoFactor } from '@/lib/admins/two-factor';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { DomainError, ForbiddenError, ValidationError } from '@/lib/errors';
import type { ReauthPrompt } from '../_reauth/prompt';
import { sensitiveStep } from '../_reauth/sensitive-step';
import { validationMessages } from '@/lib/i18n/password-problems';
import { getLocale } from 'next-intl/server';
import { refusalText } from '@/app/_components/refusal-text';

export interface AddAdminState {
  version: number;
  email?: string;
  /** The step needs "Confirm your password" first. */
  reauth?: ReauthPrompt;
  formError?: string;
  fieldErrors?: Partial<Record<'email' | 'password', string[]>>;
}

/**
 * Adds an admin to this account with an initial password (they choose their own at first sign-in). A
 * sensitive step: asks for the password (and second factor) again when the last proof is over 5 minutes old.
 */
export async function addAdminAction(prev: AddAdminState, formData: FormData): Promise<AddAdminState> {
  const session = await requireAdmin();
  const { admin, scope } = session;
  const email = String(formData.get('email') ?? '').slice(0, 320);
  const password = String(formData.get('password') ?? '').slice(0, 1024);
  const base = { version: prev.version + 1, email };
  let added: number;
  try {
    const outcome = await sensitiveStep(session, formData, async (proof) => addAdmin(scope, { email, password }, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), proof));
    if (!outcome.ok) return { ...base, reauth: outcome.reauth };
    added = outcome.value.id;
  } catch (error) {
    if (error instanceof ValidationError) {
      const field = error.field === 'password' ? 'password' : 'email';
      return { ...base, formError: (await getTranslations('AddAdminErrors'))('notSaved'), fieldErrors: { [field]: field === 'password' ? validationMessages(error, await getLocale()) : [await refusalText(error)] } };
    }
    if (error instanceof DomainError) return { ...base, formError: await refusalText(error) };
    throw error;
  }
  // A code and the new admin's id: the page words the notice itself, with the address from the database.
  redirect(`/admin/admins?notice=added&admin=${added}`);
}

/** Deactivates or reactivates another admin of this account (never oneself, never the last active admin). */
export async function setAdminActiveAction(formData: FormData): Promise<void> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '').slice(0, 320);
  const active = formData.get('active') === 'true';
  // The page words the outcome from a code and names the admin by id (from the database): a URL must not
  // be able to put arbitrary text on the page.
  let problem: 'self' | 'last' | 'not-found' | null = null;
  let target: number | null = null;
  try {
    target = (await setAdminActive(scope, email, active, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), admin.id)).id;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    problem = error instanceof ForbiddenError ? (error.message.startsWith('You cannot') ? 'self' : 'last') : 'not-found';
    if (problem === 'last') target = (await getAdmin(scope, email)).id;
  }
  const params = new URLSearchParams(problem ? { error: problem } : { notice: active ? 'reactivated' : 'deactivated' });
  if (target !== null) params.set('admin', String(target));
  redirect(`/admin/admins?${params}`);
}

/** Resets another admin's two-factor (lost device): they sign in with the password alone, or set it up again. */
export async function resetTwoFactorAction(formData: FormData): Promise<void> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '').slice(0, 320);
  let problem: 'reset-self' | 'not-found' | null = null;
  let target: number | null = null;
  try {
    target = (await resetAdminTwoFactor(scope, email, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), admin.id)).id;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    problem = error instanceof ForbiddenError ? 'reset-self' : 'not-found';
  }
  // Same rule as above: a code and an id, never the posted address.
  const params = new URLSearchParams(problem ? { error: problem } : { notice: 'reset2fa' });
  if (target !== null) params.set('admin', String(target));
  redirect(`/admin/admins?${params}`);
}

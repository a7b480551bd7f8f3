'use server';

import { redirect } from 'next/navigation';
import { addAdmin, setAdminActive } from '@/lib/admins/service';
import { resetAdminTwoFactor } from '@/lib/admins/two-factor';
import { requireAdmin, webContext } from '@/lib/auth/dal';
import { DomainError, ForbiddenError, ValidationError } from '@/lib/errors';

export interface AddAdminState {
  version: number;
  email?: string;
  formError?: string;
  fieldErrors?: Partial<Record<'email' | 'password', string[]>>;
}

/** Adds an admin to this account with an initial password (they choose their own at first sign-in). */
export async function addAdminAction(prev: AddAdminState, formData: FormData): Promise<AddAdminState> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '').slice(0, 320);
  const password = String(formData.get('password') ?? '').slice(0, 1024);
  const base = { version: prev.version + 1, email };
  try {
    await addAdmin(scope, { email, password }, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  } catch (error) {
    if (error instanceof ValidationError) {
      const field = error.field === 'password' ? 'password' : 'email';
      return { ...base, formError: 'Nothing was saved.', fieldErrors: { [field]: field === 'password' ? error.messages : [error.message] } };
    }
    if (error instanceof DomainError) return { ...base, formError: error.message };
    throw error;
  }
  redirect(`/admin/admins?added=${encodeURIComponent(email.trim().toLowerCase())}`);
}

/** Deactivates or reactivates another admin of this account (never oneself, never the last active admin). */
export async function setAdminActiveAction(formData: FormData): Promise<void> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '').slice(0, 320);
  const active = formData.get('active') === 'true';
  // The page words the refusal from a code: a URL must not be able to put arbitrary text on the page.
  let problem: 'self' | 'last' | 'not-found' | null = null;
  try {
    setAdminActive(scope, email, active, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), admin.id);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    problem = error instanceof ForbiddenError ? (error.message.startsWith('You cannot') ? 'self' : 'last') : 'not-found';
  }
  const params = new URLSearchParams(problem ? { error: problem, email } : { [active ? 'reactivated' : 'deactivated']: email });
  redirect(`/admin/admins?${params}`);
}

/** Resets another admin's two-factor (lost device): they sign in with the password alone, or set it up again. */
export async function resetTwoFactorAction(formData: FormData): Promise<void> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '').slice(0, 320);
  let problem: 'self' | 'not-found' | null = null;
  try {
    await resetAdminTwoFactor(scope, email, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), admin.id);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    problem = error instanceof ForbiddenError ? 'self' : 'not-found';
  }
  const params = new URLSearchParams(problem ? { error: problem === 'self' ? 'reset-self' : problem, email } : { reset2fa: email });
  redirect(`/admin/admins?${params}`);
}

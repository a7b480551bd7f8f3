'use server';

import { redirect } from 'next/navigation';
import { setAdminAllowNets } from '@/lib/admins/service';
import { submitAdminPasswordChange } from '@/lib/auth/admin-password-change';
import { requireAdmin, webContext } from '@/lib/auth/dal';
import type { PasswordChangeState } from '@/lib/auth/password-change-state';
import { ValidationError } from '@/lib/errors';
import type { EntryError } from '@/lib/net/allowlist';
import { signOutOtherSessions, signOutOwnSession } from '@/lib/sessions/service';

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
  if (raw.length > 64 * 1024) return { ...base, formError: 'Nothing was saved: the list is longer than 64 KiB.' };
  try {
    await setAdminAllowNets(scope, admin.email, raw, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), clientIp);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const netErrors = (error.details as EntryError[] | undefined) ?? undefined;
    return { ...base, formError: netErrors?.length ? 'Nothing was saved: the list contains invalid entries (listed below).' : `Nothing was saved. ${error.message}`, netErrors };
  }
  redirect('/admin/security?notice=nets-saved');
}

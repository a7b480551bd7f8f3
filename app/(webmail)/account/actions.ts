'use server';

import { redirect } from 'next/navigation';
import { requireMailbox, webContext } from '@/lib/session/dal';
import { signOutOtherSessions, signOutOwnSession } from '@/lib/sessions/service';
import { submitOwnPasswordChange } from '@/lib/flows/password-change';
import type { PasswordChangeState } from '@/lib/flows/password-change-state';
import { setNewNetworkNotice } from '@/lib/notify/user-notices';

/** A voluntary change: asks for the current password, same rules and session handling as the forced one. */
export async function changePasswordAction(_prev: PasswordChangeState, formData: FormData): Promise<PasswordChangeState> {
  const session = await requireMailbox();
  const failure = await submitOwnPasswordChange(session, formData, 'voluntary');
  if (failure) return failure;
  redirect('/account?notice=password-changed');
}

const channelOf = (value: FormDataEntryValue | null) => (value === 'api' ? 'api' : value === 'web' ? 'web' : null);

/** "Sign out" on one row of "Where you're signed in" (never this browser's own: that is the header's sign-out). */
export async function signOutSessionAction(formData: FormData): Promise<void> {
  const session = await requireMailbox();
  const channel = channelOf(formData.get('channel'));
  const id = Number(String(formData.get('id') ?? '').slice(0, 16));
  if (channel && Number.isSafeInteger(id) && id > 0) {
    const { id: mailboxId, email, accountId } = session.mailbox;
    await signOutOwnSession({ kind: 'mailbox', id: mailboxId, email, accountId }, channel, id, await webContext({ kind: 'mailbox', id: mailboxId, email }));
  }
  redirect('/account?notice=signed-out-session');
}

/** "Sign out everywhere else": every other web and API session of this mailbox ends; this one stays. */
export async function signOutOtherSessionsAction(): Promise<void> {
  const session = await requireMailbox();
  const { id, email, accountId } = session.mailbox;
  await signOutOtherSessions({ kind: 'mailbox', id, email, accountId }, session.claims.sid, await webContext({ kind: 'mailbox', id, email }));
  redirect('/account?notice=signed-out-others');
}

/** "E-mail me about sign-ins from new networks": the user's own notice (spec §21), off by default. */
export async function setSignInNoticeAction(formData: FormData): Promise<void> {
  const session = await requireMailbox();
  const { id, email, accountId } = session.mailbox;
  const on = formData.get('newNetwork') === 'on';
  await setNewNetworkNotice({ id, email, accountId }, on, await webContext({ kind: 'mailbox', id, email }));
  redirect(`/account?notice=${on ? 'notices-on' : 'notices-off'}`);
}

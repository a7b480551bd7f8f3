import type { Metadata } from 'next';
import { requireMailbox } from '@/lib/auth/dal';
import { recentSignIns } from '@/lib/audit';
import { accountScope } from '@/lib/scope';
import { signInsPerDay } from '@/lib/sign-in-stats';
import { env } from '@/lib/env';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { SignInHistory } from '@/app/_components/sign-in-history';
import { SignInChart } from '@/app/_components/sign-in-chart';
import { Address, AddressList } from '@/app/_components/address';
import { netSetContents } from '@/lib/netsets/service';
import { listOwnSessions } from '@/lib/sessions/service';
import { SessionList } from '@/app/_components/session-list';
import { changePasswordAction, signOutOtherSessionsAction, signOutSessionAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

/** How a network set of the list reads to the mailbox's user: its networks, not the `@name` admins use. */
const SET_ENTRY = (name: string) => `Your organisation's "${name}" networks: `;
const EMPTY_SET = 'none at the moment';

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const nets = session.mailbox.allowNets?.split(',') ?? [];
  const sets = nets.some((n) => n.startsWith('@')) ? new Map(Object.entries(await netSetContents(session.mailbox.accountId))) : new Map<string, { canonical: string }>();
  const signIns = await recentSignIns(session.mailbox.id, 20);
  const days = await signInsPerDay(accountScope(session.mailbox.accountId), { days: 30, mailboxId: session.mailbox.id });
  const sessions = await listOwnSessions('mailbox', session.mailbox.id, session.claims.sid);
  return (
    <main>
      <h1>Account</h1>
      {notice === 'password-changed' ? (
        <p className="notice" role="status">
          Your password has been changed. Other devices have been signed out.
        </p>
      ) : null}
      {notice === 'signed-out-session' || notice === 'signed-out-others' ? (
        <p className="notice" role="status">
          {notice === 'signed-out-session' ? 'That session has been signed out.' : 'You have been signed out everywhere else.'}
        </p>
      ) : null}
      <section className="card" aria-labelledby="nets-heading">
        <h2 id="nets-heading">Allowed networks</h2>
        {nets.length === 0 ? (
          <p data-testid="allowed-networks">No restriction: this mailbox can be used from any network.</p>
        ) : (
          <>
            <p>Your administrator allows this mailbox to be used only from these addresses and networks:</p>
            <ul data-testid="allowed-networks">
              {nets.map((n) => (
                <li key={n}>
                  {n.startsWith('@') ? (
                    <>
                      {SET_ENTRY(n.slice(1))}
                      {sets.get(n.slice(1))?.canonical ? <AddressList list={sets.get(n.slice(1))!.canonical} /> : EMPTY_SET}
                    </>
                  ) : (
                    <Address text={n} />
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        <p className="muted">
          You are connected from {session.clientIp ? <Address text={session.clientIp} /> : 'an unknown address'}.
        </p>
      </section>
      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you&apos;re signed in</h2>
        <SessionList sessions={sessions} signOut={signOutSessionAction} testId="sessions" />
        {sessions.some((s) => !s.current) ? (
          <form action={signOutOtherSessionsAction}>
            <button type="submit">Sign out everywhere else</button>
          </form>
        ) : null}
      </section>
      <section className="card" aria-labelledby="signins-heading">
        <h2 id="signins-heading">Recent sign-ins</h2>
        <SignInChart days={days} title="Your sign-ins per day, last 30 days" small testId="sign-in-chart" />
        <SignInHistory events={signIns} empty="No sign-ins recorded yet." testId="sign-in-history" notYouHref="#password-heading" />
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading" tabIndex={-1}>
          Change password
        </h2>
        <PasswordChangeForm action={changePasswordAction} askCurrent minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

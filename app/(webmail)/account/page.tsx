import type { Metadata } from 'next';
import { requireMailbox } from '@/lib/auth/dal';
import { recentSignIns } from '@/lib/audit';
import { env } from '@/lib/env';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { SignInHistory } from '@/app/_components/sign-in-history';
import { listOwnSessions } from '@/lib/sessions/service';
import { SessionList } from '@/app/_components/session-list';
import { changePasswordAction, signOutOtherSessionsAction, signOutSessionAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const nets = session.mailbox.allowNets?.split(',') ?? [];
  const signIns = recentSignIns(session.mailbox.id, 20);
  const sessions = listOwnSessions('mailbox', session.mailbox.id, session.claims.sid);
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
            <ul data-testid="allowed-networks" className="mono">
              {nets.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </>
        )}
        <p className="muted">
          You are connected from <span className="mono">{session.clientIp ?? 'an unknown address'}</span>.
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
        <SignInHistory events={signIns} empty="No sign-ins recorded yet." />
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <PasswordChangeForm action={changePasswordAction} askCurrent minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

import type { Metadata } from 'next';
import { requireMailbox } from '@/lib/auth/dal';
import { recentSignIns } from '@/lib/audit';
import { accountScope } from '@/lib/scope';
import { signInsPerDay } from '@/lib/sign-in-stats';
import { env } from '@/lib/env';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { SignInHistory } from '@/app/_components/sign-in-history';
import { SignInChart } from '@/app/_components/sign-in-chart';
import { SignInSummaries } from '@/app/_components/sign-in-summaries';
import { signInSummariesOf } from '@/lib/sign-in-summaries/read';
import { renderTime } from '@/lib/netsets/suggestions';
import { Address } from '@/app/_components/address';
import { listOwnSessions } from '@/lib/sessions/service';
import { SessionList } from '@/app/_components/session-list';
import { LocalTime } from '@/app/_components/local-time';
import { getMailbox } from '@/lib/mailboxes/service';
import { networksInForce } from '@/lib/netsets/compiled-list';
import { changePasswordAction, signOutOtherSessionsAction, signOutSessionAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const { accountId } = session.mailbox;
  // The user's own view of the list (spec §23): networks in force with their expiry, never the admin's
  // labels or set names (an `@name` is expanded into its networks).
  const nets = await networksInForce(accountId, await getMailbox(accountScope(accountId), session.mailbox.email));
  const signIns = await recentSignIns(session.mailbox.id, 20);
  // Repeat successes are counted per protocol and address, not listed one by one (spec §19).
  const summaries = await signInSummariesOf(session.mailbox.id, 20);
  const days = await signInsPerDay(accountScope(accountId), { days: 30, mailboxId: session.mailbox.id });
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
        {nets === null ? (
          <p data-testid="allowed-networks">No restriction: this mailbox can be used from any network.</p>
        ) : nets.length === 0 ? (
          <p data-testid="allowed-networks">Your administrator has not allowed any network for this mailbox at the moment.</p>
        ) : (
          <>
            <p>Your administrator allows this mailbox to be used only from these addresses and networks:</p>
            <ul data-testid="allowed-networks">
              {nets.map((n) => (
                <li key={n.net}>
                  <Address text={n.net} />
                  {n.expiresAt !== null ? (
                    <>
                      {' '}
                      <span className="muted">
                        (until <LocalTime at={new Date(n.expiresAt).toISOString()} />)
                      </span>
                    </>
                  ) : null}
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
        <SignInSummaries summaries={summaries} now={renderTime()} testId="sign-in-summaries" />
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

import type { Metadata } from 'next';
import { requireMailbox } from '@/lib/auth/dal';
import { recentSignIns, signInsByDay } from '@/lib/audit';
import { env } from '@/lib/env';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { SignInChart, SignInHistory } from '@/app/_components/sign-in-history';
import { Address } from '@/app/_components/address';
import { changePasswordAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const nets = session.mailbox.allowNets?.split(',') ?? [];
  const signIns = recentSignIns(session.mailbox.id, 20);
  const days = signInsByDay(session.mailbox.id, 30);
  return (
    <main>
      <h1>Account</h1>
      {notice === 'password-changed' ? (
        <p className="notice" role="status">
          Your password has been changed. Other devices have been signed out.
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
                  <Address text={n} />
                </li>
              ))}
            </ul>
          </>
        )}
        <p className="muted">
          You are connected from {session.clientIp ? <Address text={session.clientIp} /> : 'an unknown address'}.
        </p>
      </section>
      <section className="card" aria-labelledby="signins-heading">
        <h2 id="signins-heading">Recent sign-ins</h2>
        <SignInChart days={days} />
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

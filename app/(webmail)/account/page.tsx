import type { Metadata } from 'next';
import { requireMailbox } from '@/lib/auth/dal';
import { recentSignIns } from '@/lib/audit';
import { env } from '@/lib/env';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { changePasswordAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

const REASONS: Record<string, string> = {
  unknown_mailbox: 'unknown mailbox',
  bad_password: 'wrong password',
  inactive: 'mailbox inactive',
  network_not_allowed: 'network not allowed',
  throttled: 'too many attempts',
  password_change_required: 'password change required',
};

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const nets = session.mailbox.allowNets?.split(',') ?? [];
  const signIns = recentSignIns(session.mailbox.id, 20);
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
      <section className="card" aria-labelledby="signins-heading">
        <h2 id="signins-heading">Recent sign-ins</h2>
        {signIns.length === 0 ? (
          <p>No sign-ins recorded yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Address</th>
                <th scope="col">Protocol</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {signIns.map((s, i) => (
                <tr key={i}>
                  <td>
                    <time dateTime={s.at.toISOString()}>{s.at.toISOString().slice(0, 19).replace('T', ' ')}</time>
                  </td>
                  <td className="mono">{s.clientIp ?? 'unknown'}</td>
                  <td>{s.protocol ?? '-'}</td>
                  <td>{s.event === 'login_succeeded' ? 'signed in' : `refused${s.reason ? ` (${REASONS[s.reason] ?? s.reason})` : ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <PasswordChangeForm action={changePasswordAction} askCurrent minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

import type { Metadata } from 'next';
import { requireAdmin } from '@/lib/auth/dal';
import { env } from '@/lib/env';
import { listOwnSessions } from '@/lib/sessions/service';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { SessionList } from '@/app/_components/session-list';
import { changeAdminPasswordAction, signOutAdminSessionAction, signOutOtherAdminSessionsAction } from './actions';
import { OwnNetsForm } from './own-nets-form';

export const metadata: Metadata = { title: 'Security' };

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password has been changed. Your other sessions have been signed out.',
  'signed-out-session': 'That session has been signed out.',
  'signed-out-others': 'You have been signed out everywhere else.',
  'nets-saved': 'Your allowed networks have been saved.',
};

export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const { admin, claims, clientIp } = await requireAdmin();
  const { notice } = await searchParams;
  const sessions = await listOwnSessions('admin', admin.id, claims.sid);
  return (
    <main>
      <h1>Security</h1>
      {notice && NOTICES[notice] ? (
        <p className="notice" role="status">
          {NOTICES[notice]}
        </p>
      ) : null}
      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you&apos;re signed in</h2>
        <SessionList sessions={sessions} signOut={signOutAdminSessionAction} testId="sessions" />
        {sessions.some((s) => !s.current) ? (
          <form action={signOutOtherAdminSessionsAction}>
            <button type="submit">Sign out everywhere else</button>
          </form>
        ) : null}
      </section>
      <section className="card" aria-labelledby="nets-heading">
        <h2 id="nets-heading">Allowed networks</h2>
        <p>When set, you can sign in to the admin area, use it, and use the API at account level only from these networks.</p>
        <OwnNetsForm allowNets={admin.allowNets ?? ''} clientIp={clientIp} />
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <PasswordChangeForm action={changeAdminPasswordAction} askCurrent minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

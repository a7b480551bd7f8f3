import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireMailbox } from '@/lib/session/dal';
import { recentSignIns } from '@/lib/audit';
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
import Link from 'next/link';
import { mailboxTwoFactorSummary } from '@/lib/mailboxes/two-factor';
import { newNetworkNoticeOn, userNoticesCanBeSent } from '@/lib/notify/user-notices';
import { changePasswordAction, setSignInNoticeAction, signOutOtherSessionsAction, signOutSessionAction } from './actions';
import { listAppPasswords } from '@/lib/app-passwords/service';
import { MAX_APP_PASSWORDS } from '@/lib/app-passwords/schema';
import { AppPasswordTable } from '@/app/_components/app-password-table';
import { AppPasswordForm } from './app-password-form';
import { revokeAppPasswordAction } from './app-password-actions';

/** The notices section's answer per `?notice=`, as catalogue keys (AccountSections). */
const SAVED = new Map<string, 'noticesSavedOn' | 'noticesSavedOff'>([
  ['notices-on', 'noticesSavedOn'],
  ['notices-off', 'noticesSavedOff'],
]);

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Account'))('metaTitle') };
}

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const { accountId } = session.mailbox;
  // The user's own view of the list (spec §23): networks in force with their expiry, never the admin's
  // labels or set names (an `@name` is expanded into its networks).
  const nets = await networksInForce(accountId, await getMailbox(session.scope, session.mailbox.email));
  const signIns = await recentSignIns(session.mailbox.id, 20);
  // Repeat successes are counted per protocol and address, not listed one by one (spec §19).
  const summaries = await signInSummariesOf(session.mailbox.id, 20);
  const days = await signInsPerDay(session.scope, { days: 30, mailboxId: session.mailbox.id });
  const sessions = await listOwnSessions('mailbox', session.mailbox.id, session.claims.sid);
  const appPasswords = await listAppPasswords(session.mailbox.id);
  const twoFactor = await mailboxTwoFactorSummary(session.mailbox.id);
  const noticeOn = await newNetworkNoticeOn(session.mailbox.id);
  const t = await getTranslations('Account');
  const s = await getTranslations('AccountSections');
  const savedKey = typeof notice === 'string' ? SAVED.get(notice) : undefined;
  const savedText = savedKey ? s(savedKey) : undefined;
  return (
    <main>
      <h1>{t('heading')}</h1>
      {notice === 'password-changed' ? (
        <p className="notice" role="status">
          {t('passwordChanged')}
        </p>
      ) : null}
      {notice === 'app-password-revoked' ? (
        <p className="notice" role="status">
          {s('appPasswordRevoked')}
        </p>
      ) : null}
      {notice === 'signed-out-session' || notice === 'signed-out-others' ? (
        <p className="notice" role="status">
          {notice === 'signed-out-session' ? t('signedOutSession') : t('signedOutOthers')}
        </p>
      ) : null}
      {notice === 'two-factor-on' || notice === 'two-factor-off' ? (
        <p className="notice" role="status">
          {notice === 'two-factor-on' ? s('noticeOn') : s('noticeOff')}
        </p>
      ) : null}
      <section className="card" aria-labelledby="nets-heading">
        <h2 id="nets-heading">{t('netsHeading')}</h2>
        {nets === null ? (
          <p data-testid="allowed-networks">{t('netsNone')}</p>
        ) : nets.length === 0 ? (
          <p data-testid="allowed-networks">{t('netsEmpty')}</p>
        ) : (
          <>
            <p>{t('netsIntro')}</p>
            <ul data-testid="allowed-networks">
              {nets.map((n) => (
                <li key={n.net}>
                  <Address text={n.net} />
                  {n.expiresAt !== null ? (
                    <>
                      {' '}
                      <span className="muted">{t.rich('until', { time: () => <LocalTime at={new Date(n.expiresAt!).toISOString()} /> })}</span>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        )}
        <p className="muted">
          {t.rich('connectedFrom', { address: () => (session.clientIp ? <Address text={session.clientIp} /> : t('unknownAddress')) })}
        </p>
      </section>
      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('sessionsHeading')}</h2>
        <SessionList sessions={sessions} signOut={signOutSessionAction} testId="sessions" />
        {sessions.some((s) => !s.current) ? (
          <form action={signOutOtherSessionsAction}>
            <button type="submit">{t('signOutOthers')}</button>
          </form>
        ) : null}
      </section>
      <section className="card" aria-labelledby="app-passwords-heading">
        <h2 id="app-passwords-heading" tabIndex={-1}>
          {s('appPasswordsHeading')}
        </h2>
        <p>{s('appPasswordsIntro')}</p>
        {appPasswords.length ? <AppPasswordTable items={appPasswords} revoke={revokeAppPasswordAction} testId="app-passwords" /> : <p className="muted">{s('appPasswordsNone')}</p>}
        {appPasswords.length >= MAX_APP_PASSWORDS ? <p className="muted">{s('appPasswordsFull', { max: MAX_APP_PASSWORDS })}</p> : <AppPasswordForm />}
      </section>
      <section className="card" aria-labelledby="signins-heading">
        <h2 id="signins-heading">{t('signInsHeading')}</h2>
        <SignInChart days={days} title={t('chartTitle')} small testId="sign-in-chart" />
        <SignInSummaries summaries={summaries} now={renderTime()} testId="sign-in-summaries" />
        <SignInHistory events={signIns} empty={t('noSignIns')} testId="sign-in-history" notYouHref="#password-heading" />
      </section>
      <section className="card" aria-labelledby="two-factor-heading">
        <h2 id="two-factor-heading">{s('twoFactorHeading')}</h2>
        <p data-testid="two-factor-summary">{twoFactor.enabled ? s('twoFactorOn') : s('twoFactorOff')}</p>
        <p>
          <Link href="/account/two-factor">{twoFactor.enabled ? s('manage') : s('setUp')}</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="notices-heading">
        <h2 id="notices-heading">{s('noticesHeading')}</h2>
        {savedText ? (
          <p className="notice" role="status">
            {savedText}
          </p>
        ) : null}
        <form action={setSignInNoticeAction}>
          <label>
            <input type="checkbox" name="newNetwork" defaultChecked={noticeOn} aria-describedby="notice-new-network-hint" /> {s('newNetwork')}
          </label>
          <p className="field-hint" id="notice-new-network-hint">
            {s('newNetworkHint')}
          </p>
          {!userNoticesCanBeSent() ? <p className="muted">{s('noticesOff')}</p> : null}
          <button type="submit">{s('save')}</button>
        </form>
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading" tabIndex={-1}>
          {t('passwordHeading')}
        </h2>
        <PasswordChangeForm action={changePasswordAction} askCurrent minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

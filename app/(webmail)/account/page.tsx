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

const TEXT = {
  appPasswordsHeading: 'Passwords for mail apps',
  appPasswordsIntro:
    'Give each mail app (phone, laptop, mail program) its own password instead of your account password. Each works only for mail (IMAP, POP3, SMTP), never to sign in here, and you can revoke it alone: that app is signed out at once.',
  appPasswordsNone: 'No app passwords yet.',
  appPasswordsFull: `You have ${MAX_APP_PASSWORDS} app passwords, the most there can be: revoke one to create another.`,
  appPasswordRevoked: 'The app password has been revoked. Mail apps that used it are signed out.',
  twoFactorHeading: 'Two-factor',
  twoFactorOn: 'Two-factor is on: signing in to webmail needs a code from your authenticator app. Mail apps need an app password.',
  twoFactorOff: 'Two-factor is off: your password alone signs you in.',
  manage: 'Manage two-factor',
  setUp: 'Set up two-factor',
  noticeOn: 'Two-factor is on. Your other devices and mail apps have been signed out.',
  noticeOff: 'Two-factor is off.',
  noticesHeading: 'Notices',
  newNetwork: 'E-mail me about sign-ins from new networks',
  newNetworkHint: 'A message to this mailbox when it is signed in to from a network it has not been used from in the last 90 days.',
  noticesOff: 'E-mail is not set up on this server, so no notice can be sent for now.',
  save: 'Save',
  saved: new Map<string, string>([
    ['notices-on', 'You will be e-mailed about sign-ins from new networks.'],
    ['notices-off', 'You will no longer be e-mailed about sign-ins from new networks.'],
  ]),
} as const;

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
  const savedText = typeof notice === 'string' ? TEXT.saved.get(notice) : undefined;
  const t = await getTranslations('Account');
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
          {TEXT.appPasswordRevoked}
        </p>
      ) : null}
      {notice === 'signed-out-session' || notice === 'signed-out-others' ? (
        <p className="notice" role="status">
          {notice === 'signed-out-session' ? t('signedOutSession') : t('signedOutOthers')}
        </p>
      ) : null}
      {notice === 'two-factor-on' || notice === 'two-factor-off' ? (
        <p className="notice" role="status">
          {notice === 'two-factor-on' ? TEXT.noticeOn : TEXT.noticeOff}
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
          {TEXT.appPasswordsHeading}
        </h2>
        <p>{TEXT.appPasswordsIntro}</p>
        {appPasswords.length ? <AppPasswordTable items={appPasswords} revoke={revokeAppPasswordAction} testId="app-passwords" /> : <p className="muted">{TEXT.appPasswordsNone}</p>}
        {appPasswords.length >= MAX_APP_PASSWORDS ? <p className="muted">{TEXT.appPasswordsFull}</p> : <AppPasswordForm />}
      </section>
      <section className="card" aria-labelledby="signins-heading">
        <h2 id="signins-heading">{t('signInsHeading')}</h2>
        <SignInChart days={days} title={t('chartTitle')} small testId="sign-in-chart" />
        <SignInSummaries summaries={summaries} now={renderTime()} testId="sign-in-summaries" />
        <SignInHistory events={signIns} empty={t('noSignIns')} testId="sign-in-history" notYouHref="#password-heading" />
      </section>
      <section className="card" aria-labelledby="two-factor-heading">
        <h2 id="two-factor-heading">{TEXT.twoFactorHeading}</h2>
        <p data-testid="two-factor-summary">{twoFactor.enabled ? TEXT.twoFactorOn : TEXT.twoFactorOff}</p>
        <p>
          <Link href="/account/two-factor">{twoFactor.enabled ? TEXT.manage : TEXT.setUp}</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="notices-heading">
        <h2 id="notices-heading">{TEXT.noticesHeading}</h2>
        {savedText ? (
          <p className="notice" role="status">
            {savedText}
          </p>
        ) : null}
        <form action={setSignInNoticeAction}>
          <label>
            <input type="checkbox" name="newNetwork" defaultChecked={noticeOn} aria-describedby="notice-new-network-hint" /> {TEXT.newNetwork}
          </label>
          <p className="field-hint" id="notice-new-network-hint">
            {TEXT.newNetworkHint}
          </p>
          {!userNoticesCanBeSent() ? <p className="muted">{TEXT.noticesOff}</p> : null}
          <button type="submit">{TEXT.save}</button>
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

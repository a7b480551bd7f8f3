import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { recentSignIns } from '@/lib/audit';
import { requireAdmin } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { DomainError } from '@/lib/errors';
import { impactSignIns } from '@/lib/mailboxes/impact';
import { getMailbox } from '@/lib/mailboxes/service';
import type { MailboxView } from '@/lib/mailboxes/view';
import { LocalTime } from '@/app/_components/local-time';
import { SignInHistory } from '@/app/_components/sign-in-history';
import { SignInSummaries } from '@/app/_components/sign-in-summaries';
import { signInSummariesOf } from '@/lib/sign-in-summaries/read';
import { SignInChart } from '@/app/_components/sign-in-chart';
import { signInsPerDay } from '@/lib/sign-in-stats';
import { mailboxParam } from '../mailbox-href';
import { MailboxForm } from './mailbox-form';
import { ENTRY_ROWS_SHOWN, settingsOf } from './mailbox-settings';
import { PasswordForm } from './password-form';
import { DangerZone } from './danger-zone';
import { Address, AddressList } from '@/app/_components/address';
import { emailSchema } from '@/lib/mailboxes/schemas';
import { listMailboxSessions, recentSessionsEnded } from '@/lib/sessions/service';
import { SessionList } from '@/app/_components/session-list';
import { endMailboxSessionsAction } from './actions';
import { netSetContents } from '@/lib/netsets/service';
import { networkSuggestions, renderTime, wouldRefuseSummary } from '@/lib/netsets/suggestions';
import { WouldRefuse } from './would-refuse';
import { mailKickEnabled } from '@/lib/mail-kick/outbox';
import { MailKickOff } from '@/app/admin/_components/mail-kick-off';
import { listAppPasswords } from '@/lib/app-passwords/service';
import { AppPasswordTable } from '@/app/_components/app-password-table';
import { revokeMailboxAppPasswordAction } from './app-password-actions';

import { TwoFactorReset } from './two-factor-reset';

/** How many entries the summary names before "show all" (the field below holds the whole list). */
const SUMMARY_ENTRIES = 5;

/**
 * The summary's "Allowed networks": a short list in full; a long one as its count and first entries, with
 * a link to the field that holds all of them (so the page carries the list once, not once more here).
 */
async function NetsSummary({ list }: { list: string }) {
  const entries = list.split(',');
  if (entries.length <= SUMMARY_ENTRIES) return <AddressList list={list} />;
  const t = await getTranslations('MailboxPage');
  const count = entries.length;
  return (
    <>
      {t('summaryCount', { count })} <AddressList list={entries.slice(0, SUMMARY_ENTRIES).join(',')} />, … <a href="#allowNets">{t('showAll', { count })}</a>
    </>
  );
}

/** Each tab names its mailbox. The address is only echoed when it is well-formed; the page itself decides "not found". */
export async function generateMetadata({ params }: { params: Promise<{ address: string }> }): Promise<Metadata> {
  const email = mailboxParam((await params).address);
  const t = await getTranslations('MailboxPage');
  return { title: emailSchema.safeParse(email).success ? t('metaTitleOf', { email }) : t('metaTitle') };
}

export default async function AdminMailboxPage({ params, searchParams }: { params: Promise<{ address: string }>; searchParams: Promise<{ created?: string; notice?: string; entries?: string }> }) {
  const { scope, clientIp, admin } = await requireAdmin();
  const email = mailboxParam((await params).address);
  let mailbox: MailboxView;
  try {
    mailbox = await getMailbox(scope, email);
  } catch (error) {
    // Another account's mailbox, a missing one and a malformed address all look the same.
    if (error instanceof DomainError) notFound();
    throw error;
  }
  const { created, notice, entries } = await searchParams;
  // Worded from this admin's latest "End all sessions" of this mailbox in the database, never from the URL.
  const sessionsEnded = notice === 'sessions-ended' ? await recentSessionsEnded(scope, mailbox.id, admin.id) : null;
  const sessions = await listMailboxSessions(scope, mailbox.email);
  const appPasswords = await listAppPasswords(mailbox.id);
  // Long lists show the first rows of labels and expiry; "Show all" (a link, so it works without JavaScript) renders every row.
  const rowLimit = entries === 'all' ? null : ENTRY_ROWS_SHOWN;
  const impact = await impactSignIns(scope, mailbox.email);
  const recent = await recentSignIns(mailbox.id, 20);
  // Repeat successes are counted per protocol and address, not listed one by one (spec §19).
  const summaries = await signInSummariesOf(mailbox.id, 20);
  const now = renderTime();
  const sets = await netSetContents(admin.accountId);
  const suggestions = await networkSuggestions(admin.accountId, mailbox.id);
  const wouldRefuse = await wouldRefuseSummary(admin.accountId, mailbox.id);
  const mailKicks = mailKickEnabled();
  const [t, ta, t2] = await Promise.all([getTranslations('MailboxPage'), getTranslations('MailboxAppPasswords'), getTranslations('MailboxTwoFactor')]);
  return (
    <main className="wide">
      <p>
        <Link href="/admin/mailboxes">{t('back')}</Link>
      </p>
      <h1>
        <Address text={mailbox.email} />
      </h1>
      {created ? (
        <p className="notice" role="status">
          {t('created')}
        </p>
      ) : null}
      {notice === 'app-password-revoked' ? (
        <p className="notice" role="status">
          {ta('revoked')}
        </p>
      ) : null}
      {sessionsEnded !== null ? (
        <p className="notice" role="status">
          {t('sessionsEnded', { count: sessionsEnded })}
        </p>
      ) : null}
      {notice === 'two-factor-reset' ? (
        <p className="notice" role="status">
          {t2('resetDone')}
        </p>
      ) : null}
      {mailKicks ? null : <MailKickOff />}
      <dl className="facts" data-testid="mailbox-summary">
        <dt>{t('status')}</dt>
        <dd>{mailbox.active ? t('active') : t('inactive')}</dd>
        <dt>{t('allowNets')}</dt>
        <dd>
          {mailbox.allowNets ? <NetsSummary list={mailbox.allowNets} /> : t('noRestriction')}
          {mailbox.allowNets !== null && mailbox.allowNetsMode === 'monitor' ? <span className="badge">{t('monitorBadge')}</span> : null}
        </dd>
        <dt>{t('twoFactor')}</dt>
        <dd>{mailbox.totpEnabledAt || mailbox.hasPasskey ? t('on') : t('off')}</dd>
        <dt>{t('resetPending')}</dt>
        <dd>{mailbox.requireResetPassword ? t('yes') : t('no')}</dd>
        <dt>{t('lastSignIn')}</dt>
        <dd>
          <LocalTime at={mailbox.lastLoginAt} />
          {mailbox.lastLoginIp ? (
            <>
              {t('lastSignInFrom')}
              <Address text={mailbox.lastLoginIp} />
            </>
          ) : null}
        </dd>
        <dt>{t('passwordChanged')}</dt>
        <dd><LocalTime at={mailbox.passwordChangedAt} /></dd>
        <dt>{t('createdAt')}</dt>
        <dd><LocalTime at={mailbox.createdAt} /></dd>
        <dt>{t('updatedAt')}</dt>
        <dd><LocalTime at={mailbox.updatedAt} /></dd>
      </dl>
      <div className="card">
        <MailboxForm
          email={mailbox.email}
          settings={settingsOf(mailbox, rowLimit)}
          rowLimit={rowLimit}
          clientIp={clientIp}
          signIns={impact.groups}
          signInsTruncated={impact.truncated}
          sets={sets}
          suggestions={suggestions}
          now={now}
          mailKicks={mailKicks}
        />
      </div>
      <WouldRefuse summary={wouldRefuse} mode={mailbox.allowNetsMode} />
      <div className="card">
        <PasswordForm email={mailbox.email} minLength={env().PASSWORD_MIN_LENGTH} />
      </div>
      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('sessionsHeading')}</h2>
        <SessionList sessions={sessions} testId="mailbox-sessions" />
        <form action={endMailboxSessionsAction}>
          <input type="hidden" name="email" value={mailbox.email} />
          <button type="submit">{t('endSessions')}</button>
        </form>
      </section>
      <section className="card" aria-labelledby="app-passwords-heading">
        <h2 id="app-passwords-heading" tabIndex={-1}>
          {ta('heading')}
        </h2>
        <p className="muted">{ta('intro')}</p>
        {appPasswords.length ? (
          <AppPasswordTable items={appPasswords} revoke={revokeMailboxAppPasswordAction} hidden={{ email: mailbox.email }} testId="mailbox-app-passwords" />
        ) : (
          <p className="muted">{ta('none')}</p>
        )}
      </section>
      <TwoFactorReset email={mailbox.email} on={mailbox.totpEnabledAt !== null || mailbox.hasPasskey} />
      <section className="card" aria-labelledby="signins-heading">
        <h2 id="signins-heading">{t('signInsHeading')}</h2>
        <SignInChart days={await signInsPerDay(scope, { days: 30, mailboxId: mailbox.id })} title={t('chartTitle', { email: mailbox.email })} small testId="mailbox-sign-in-chart" />
        <SignInSummaries summaries={summaries} now={now} testId="mailbox-sign-in-summaries" />
        <SignInHistory events={recent} empty={t('noSignIns')} testId="recent-sign-ins" />
        <p>
          <Link href={`/admin/audit?mailbox=${encodeURIComponent(mailbox.email)}`}>{t('auditLink')}</Link>
        </p>
      </section>
      <DangerZone email={mailbox.email} active={mailbox.active} />
    </main>
  );
}

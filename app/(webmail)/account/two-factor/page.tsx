import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { requireMailbox } from '@/lib/session/dal';
import { mailboxTotpSetupView, mailboxTwoFactorSummary } from '@/lib/mailboxes/two-factor';
import { listMailboxPasskeys } from '@/lib/mailboxes/passkeys';
import { LocalTime } from '@/app/_components/local-time';
import { DisableTwoFactorForm } from './disable-form';
import { RegenerateRecoveryCodesForm } from './regenerate-codes-form';
import { MailboxSetupPanel } from './setup-panel';
import { AddMailboxPasskeyForm, RemoveMailboxPasskeyForm } from './passkey-forms';

/** The page's answer per `?notice=`, as catalogue keys (MailboxPasskeys). */
const NOTICES = new Map<string, 'noticeAdded' | 'noticeRemoved'>([
  ['passkey-added', 'noticeAdded'],
  ['passkey-removed', 'noticeRemoved'],
]);

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('MailboxTwoFactor'))('metaTitle') };
}

/**
 * The mailbox's own two-factor (spec §20): the authenticator app (setup, state, turning it off), passkeys
 * (add, list, remove) and the recovery codes of both. The only page (with sign-out) open to a mailbox whose
 * account requires two-factor and that has none.
 */
export default async function MailboxTwoFactorPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const { mailbox } = await requireMailbox('enrolment');
  const { notice } = await searchParams;
  const summary = await mailboxTwoFactorSummary(mailbox.id);
  const passkeys = await listMailboxPasskeys(mailbox.id);
  const t = await getTranslations('MailboxTwoFactor');
  const p = await getTranslations('MailboxPasskeys');
  const noticeKey = typeof notice === 'string' ? NOTICES.get(notice) : undefined;
  // The last second factor: no authenticator app and this is the only passkey (removing it turns two-factor off).
  const lastPasskey = !summary.totpEnabled && passkeys.length === 1;
  const view = summary.totpEnabled ? null : await mailboxTotpSetupView(mailbox);
  // The QR code as a data URL: no inline markup, so the page's CSP holds.
  const setup = view ? { secret: view.secret, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(view.qrSvg).toString('base64')}` } : null;
  return (
    <main className="narrow">
      {mailbox.twoFactorEnrolmentRequired ? null : (
        <p>
          <Link href="/account">{t('back')}</Link>
        </p>
      )}
      <h1>{t('heading')}</h1>
      {mailbox.twoFactorEnrolmentRequired ? (
        <p className="notice" role="status">
          {t('required')}
        </p>
      ) : null}
      {noticeKey ? (
        <p className="notice" role="status">
          {p(noticeKey)}
        </p>
      ) : null}
      {summary.hasPasskey && !summary.totpEnabled ? (
        <div className="card">
          <p data-testid="two-factor-state">
            {p('onWithPasskeys', { count: passkeys.length })} {t('codesLeft', { count: summary.recoveryCodesLeft })}
          </p>
          <p>{t('mailApps')}</p>
          <RegenerateRecoveryCodesForm email={mailbox.email} />
        </div>
      ) : null}
      <MailboxSetupPanel
        email={mailbox.email}
        enabled={summary.totpEnabled}
        setup={setup}
        enabledView={
          summary.enabledAt ? (
            <div className="card">
              <p data-testid="two-factor-state">
                {t.rich('onSince', { time: () => <LocalTime at={summary.enabledAt!.toISOString()} /> })} {t('codesLeft', { count: summary.recoveryCodesLeft })}
              </p>
              <p>{t('mailApps')}</p>
              <RegenerateRecoveryCodesForm email={mailbox.email} />
              {summary.required && !summary.hasPasskey ? <p>{t('requiredOn')}</p> : <DisableTwoFactorForm appOnly={summary.hasPasskey} />}
            </div>
          ) : null
        }
      />
      <section className="card" aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">{p('heading')}</h2>
        <p>{p('intro')}</p>
        {passkeys.length ? (
          <div className="table-scroll">
            <table data-testid="passkeys">
              <thead>
                <tr>
                  <th scope="col">{p('colName')}</th>
                  <th scope="col">{p('colCreated')}</th>
                  <th scope="col">{p('colLastUsed')}</th>
                  <th scope="col">{p('colActions')}</th>
                </tr>
              </thead>
              <tbody>
                {passkeys.map((key) => (
                  <tr key={key.id}>
                    <td>{key.name}</td>
                    <td>
                      <LocalTime at={key.createdAt.toISOString()} />
                    </td>
                    <td>{key.lastUsedAt ? <LocalTime at={key.lastUsedAt.toISOString()} /> : p('never')}</td>
                    <td>{summary.required && lastPasskey ? <span className="muted">{t('requiredOn')}</span> : <RemoveMailboxPasskeyForm id={key.id} name={key.name} last={lastPasskey} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{p('none')}</p>
        )}
        <AddMailboxPasskeyForm email={mailbox.email} />
      </section>
    </main>
  );
}

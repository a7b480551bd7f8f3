import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireAdmin } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { listOwnSessions } from '@/lib/sessions/service';
import { PasswordChangeForm } from '@/app/(auth)/change-password/password-change-form';
import { SessionList } from '@/app/_components/session-list';
import { LocalTime } from '@/app/_components/local-time';
import { revokeApiKeyAction, changeAdminPasswordAction, signOutAdminSessionAction, signOutOtherAdminSessionsAction } from './actions';
import { OwnNetsForm } from './own-nets-form';
import { twoFactorSummary } from '@/lib/admins/two-factor';
import { listApiKeys } from '@/lib/admins/api-keys';
import { ApiKeyForm } from './api-key-form';
import { DisableTwoFactorForm, RegenerateCodesForm, TwoFactorPolicyForm } from './two-factor-forms';
import { listPasskeys } from '@/lib/admins/passkeys';
import { AddPasskeyForm, RemovePasskeyForm, RenamePasskeyForm } from './passkey-forms';
import { getAccountPolicy } from '@/lib/accounts/policy';
import { MailboxPolicyForm } from './mailbox-policy-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Security'))('metaTitle') };
}

/** The notices a redirect names by code, and their catalogue keys (a URL picks one; it cannot put text on the page). */
const NOTICE_KEYS = [
  ['password-changed', 'noticePasswordChanged'],
  ['signed-out-session', 'noticeSignedOutSession'],
  ['signed-out-others', 'noticeSignedOutOthers'],
  ['nets-saved', 'noticeNetsSaved'],
  ['two-factor-on', 'noticeTwoFactorOn'],
  ['two-factor-off', 'noticeTwoFactorOff'],
  ['policy-on', 'noticePolicyOn'],
  ['policy-off', 'noticePolicyOff'],
  ['passkey-added', 'noticePasskeyAdded'],
  ['passkey-renamed', 'noticePasskeyRenamed'],
  ['passkey-removed', 'noticePasskeyRemoved'],
  ['key-revoked', 'noticeKeyRevoked'],
  ['mailbox-policy-saved', 'noticeMailboxPolicySaved'],
] as const;
const NOTICES = new Map<string, (typeof NOTICE_KEYS)[number][1]>(NOTICE_KEYS);

const STATUS = { active: 'statusActive', expired: 'statusExpired', revoked: 'statusRevoked' } as const;

export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const { admin, claims, clientIp, scope } = await requireAdmin();
  const mailboxPolicy = await getAccountPolicy(scope);
  const { notice } = await searchParams;
  const sessions = await listOwnSessions('admin', admin.id, claims.sid);
  const twoFactor = await twoFactorSummary(admin.id);
  const keys = await listApiKeys(admin.id);
  const passkeys = await listPasskeys(admin.id);
  const [t, tp] = await Promise.all([getTranslations('Security'), getTranslations('MailboxPolicyForm')]);
  const noticeKey = typeof notice === 'string' ? NOTICES.get(notice) : undefined;
  return (
    <main>
      <h1>{t('heading')}</h1>
      {noticeKey ? (
        <p className="notice" role="status">
          {t(noticeKey)}
        </p>
      ) : null}
      <section className="card" aria-labelledby="two-factor-heading">
        <h2 id="two-factor-heading">{t('twoFactorHeading')}</h2>
        {twoFactor.totpEnabled ? (
          <>
            <p data-testid="two-factor-status">
              {t.rich('totpOn', { time: () => <LocalTime at={twoFactor.totpEnabledAt!.toISOString()} />, left: twoFactor.recoveryCodesLeft })}
            </p>
            <RegenerateCodesForm />
            {twoFactor.accountRequiresTwoFactor && !twoFactor.hasPasskey ? (
              <p className="muted">{t('cannotTurnOff')}</p>
            ) : (
              <DisableTwoFactorForm />
            )}
          </>
        ) : twoFactor.hasPasskey ? (
          <>
            <p data-testid="two-factor-status">{t('passkeysOn', { count: passkeys.length })}</p>
            <p>
              <a href="/admin/two-factor">{t('setUpAppToo')}</a>
            </p>
          </>
        ) : (
          <>
            <p data-testid="two-factor-status">{t('off')}</p>
            <p>{t.rich('setUpHint', { link: (text) => <a href="/admin/two-factor">{text}</a> })}</p>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">{t('passkeysHeading')}</h2>
        <p>{t('passkeysIntro')}</p>
        {passkeys.length ? (
          <div className="table-scroll">
            <table data-testid="passkeys">
              <thead>
                <tr>
                  <th scope="col">{t('colName')}</th>
                  <th scope="col">{t('colCreated')}</th>
                  <th scope="col">{t('colLastUsed')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('colActions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {passkeys.map((p) => (
                  <tr key={p.id}>
                    <td>{p.name}</td>
                    <td>
                      <LocalTime at={p.createdAt.toISOString()} />
                    </td>
                    <td>{p.lastUsedAt ? <LocalTime at={p.lastUsedAt.toISOString()} /> : t('never')}</td>
                    <td>
                      <details>
                        <summary>{t('renameOrRemove', { name: p.name })}</summary>
                        <RenamePasskeyForm id={p.id} name={p.name} />
                        <RemovePasskeyForm id={p.id} name={p.name} />
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t('noPasskeys')}</p>
        )}
        <AddPasskeyForm />
      </section>
      <section className="card" aria-labelledby="policy-heading">
        <h2 id="policy-heading">{t('policyHeading')}</h2>
        <p>{t('policyIntro')}</p>
        <TwoFactorPolicyForm required={twoFactor.accountRequiresTwoFactor} />
      </section>
      <section className="card" aria-labelledby="mailbox-policy-heading">
        <h2 id="mailbox-policy-heading">{tp('heading')}</h2>
        <MailboxPolicyForm policy={mailboxPolicy} />
      </section>
      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('sessionsHeading')}</h2>
        <SessionList sessions={sessions} signOut={signOutAdminSessionAction} testId="sessions" />
        {sessions.some((s) => !s.current) ? (
          <form action={signOutOtherAdminSessionsAction}>
            <button type="submit">{t('signOutOthers')}</button>
          </form>
        ) : null}
      </section>
      <section className="card" aria-labelledby="nets-heading">
        <h2 id="nets-heading">{t('netsHeading')}</h2>
        <p>{t('netsIntro')}</p>
        <OwnNetsForm allowNets={admin.allowNets ?? ''} clientIp={clientIp} />
      </section>
      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">{t('keysHeading')}</h2>
        <p>{t('keysIntro')}</p>
        {keys.length ? (
          <div className="table-scroll">
            <table data-testid="api-keys">
              <thead>
                <tr>
                  <th scope="col">{t('colLabel')}</th>
                  <th scope="col">{t('colCreated')}</th>
                  <th scope="col">{t('colExpires')}</th>
                  <th scope="col">{t('colAllowNets')}</th>
                  <th scope="col">{t('colLastUsed')}</th>
                  <th scope="col">{t('colStatus')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('colActions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => {
                  const status = t(STATUS[k.status]);
                  return (
                    <tr key={k.id}>
                      <td>{k.label}</td>
                      <td>
                        <LocalTime at={k.createdAt.toISOString()} />
                      </td>
                      <td>{k.expiresAt ? <LocalTime at={k.expiresAt.toISOString()} /> : t('never')}</td>
                      <td className="mono">{k.allowNets ?? t('anyNetwork')}</td>
                      <td>
                        {k.lastUsedAt
                          ? t.rich('lastUsedFrom', {
                              time: () => <LocalTime at={k.lastUsedAt!.toISOString()} />,
                              ip: () => <span className="mono">{k.lastUsedIp ?? t('unknownAddress')}</span>,
                            })
                          : t('never')}
                      </td>
                      <td>{status}</td>
                      <td>
                        {k.status === 'revoked' ? null : (
                          <form action={revokeApiKeyAction}>
                            <input type="hidden" name="id" value={k.id} />
                            <button type="submit" className="link" aria-label={t('revokeLabel', { label: k.label })}>
                              {t('revoke')}
                            </button>
                          </form>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t('noKeys')}</p>
        )}
        <ApiKeyForm />
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">{t('passwordHeading')}</h2>
        <PasswordChangeForm action={changeAdminPasswordAction} askCurrent minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

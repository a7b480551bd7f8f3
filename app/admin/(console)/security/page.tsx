import type { Metadata } from 'next';
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

export const metadata: Metadata = { title: 'Security' };

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password has been changed. Your other sessions have been signed out.',
  'signed-out-session': 'That session has been signed out.',
  'signed-out-others': 'You have been signed out everywhere else.',
  'nets-saved': 'Your allowed networks have been saved.',
  'two-factor-on': 'Two-factor is on. You will be asked for a code at every sign-in.',
  'two-factor-off': 'Two-factor is off.',
  'policy-on': 'Every admin of this account now needs two-factor. Admins without it will be asked to set it up at their next sign-in.',
  'policy-off': 'Two-factor is no longer required for every admin of this account.',
  'passkey-added': 'The passkey has been added. You can use it instead of a code at your next sign-in.',
  'passkey-renamed': 'The passkey has been renamed.',
  'passkey-removed': 'The passkey has been removed.',
  'key-revoked': 'The API key has been revoked. Sessions opened with it have ended.',
  'mailbox-policy-saved': 'The policies for mailboxes have been saved.',
};

export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const { admin, claims, clientIp, scope } = await requireAdmin();
  const mailboxPolicy = await getAccountPolicy(scope);
  const { notice } = await searchParams;
  const sessions = await listOwnSessions('admin', admin.id, claims.sid);
  const twoFactor = await twoFactorSummary(admin.id);
  const keys = await listApiKeys(admin.id);
  const passkeys = await listPasskeys(admin.id);
  return (
    <main>
      <h1>Security</h1>
      {typeof notice === 'string' && Object.hasOwn(NOTICES, notice) ? (
        <p className="notice" role="status">
          {NOTICES[notice]}
        </p>
      ) : null}
      <section className="card" aria-labelledby="two-factor-heading">
        <h2 id="two-factor-heading">Two-factor</h2>
        {twoFactor.totpEnabled ? (
          <>
            <p data-testid="two-factor-status">
              On: an authenticator app (since <LocalTime at={twoFactor.totpEnabledAt!.toISOString()} />). Recovery codes left: {twoFactor.recoveryCodesLeft}.
            </p>
            <RegenerateCodesForm />
            {twoFactor.accountRequiresTwoFactor && !twoFactor.hasPasskey ? (
              <p className="muted">Your account requires two-factor for every admin, so it cannot be turned off here.</p>
            ) : (
              <DisableTwoFactorForm />
            )}
          </>
        ) : twoFactor.hasPasskey ? (
          <>
            <p data-testid="two-factor-status">On: {passkeys.length === 1 ? 'a passkey' : `${passkeys.length} passkeys`} (below). No authenticator app.</p>
            <p>
              <a href="/admin/two-factor">Set up an authenticator app too</a>
            </p>
          </>
        ) : (
          <>
            <p data-testid="two-factor-status">Off: signing in needs only your password.</p>
            <p>
              <a href="/admin/two-factor">Set up two-factor</a> with an authenticator app, or add a passkey below.
            </p>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">Passkeys</h2>
        <p>A passkey (this device&apos;s screen lock, a phone or a security key) can be used instead of a code at the second step of signing in. It counts as two-factor.</p>
        {passkeys.length ? (
          <div className="table-scroll">
            <table data-testid="passkeys">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
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
                    <td>{p.lastUsedAt ? <LocalTime at={p.lastUsedAt.toISOString()} /> : 'Never'}</td>
                    <td>
                      <details>
                        <summary>Rename or remove {p.name}</summary>
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
          <p className="muted">No passkeys yet.</p>
        )}
        <AddPasskeyForm />
      </section>
      <section className="card" aria-labelledby="policy-heading">
        <h2 id="policy-heading">Account policy</h2>
        <p>When required, an admin of this account without two-factor is asked to set it up right after their password and can do nothing else until they have.</p>
        <TwoFactorPolicyForm required={twoFactor.accountRequiresTwoFactor} />
      </section>
      <section className="card" aria-labelledby="mailbox-policy-heading">
        <h2 id="mailbox-policy-heading">Policies for mailboxes</h2>
        <MailboxPolicyForm policy={mailboxPolicy} />
      </section>
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
      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">API keys</h2>
        <p>
          For scripts: a script signs in to the API with your admin address and a key instead of your password (no two-factor code), and can then manage every mailbox of the account. Every use is audited.
        </p>
        {keys.length ? (
          <div className="table-scroll">
            <table data-testid="api-keys">
              <thead>
                <tr>
                  <th scope="col">Label</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Allowed networks</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => {
                  const status = { active: 'Active', expired: 'Expired', revoked: 'Revoked' }[k.status];
                  return (
                    <tr key={k.id}>
                      <td>{k.label}</td>
                      <td>
                        <LocalTime at={k.createdAt.toISOString()} />
                      </td>
                      <td>{k.expiresAt ? <LocalTime at={k.expiresAt.toISOString()} /> : 'Never'}</td>
                      <td className="mono">{k.allowNets ?? 'Any'}</td>
                      <td>
                        {k.lastUsedAt ? (
                          <>
                            <LocalTime at={k.lastUsedAt.toISOString()} /> from <span className="mono">{k.lastUsedIp ?? 'unknown'}</span>
                          </>
                        ) : (
                          'Never'
                        )}
                      </td>
                      <td>{status}</td>
                      <td>
                        {status === 'Revoked' ? null : (
                          <form action={revokeApiKeyAction}>
                            <input type="hidden" name="id" value={k.id} />
                            <button type="submit" className="link" aria-label={`Revoke API key ${k.label}`}>
                              Revoke
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
          <p className="muted">No API keys yet.</p>
        )}
        <ApiKeyForm />
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <PasswordChangeForm action={changeAdminPasswordAction} askCurrent minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

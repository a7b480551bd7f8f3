import type { Metadata } from 'next';
import { listAdmins } from '@/lib/admins/service';
import { requireAdmin } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { LocalTime } from '@/app/_components/local-time';
import { resetTwoFactorAction, setAdminActiveAction } from './actions';
import { AddAdminForm } from './add-admin-form';

export const metadata: Metadata = { title: 'Admins' };

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (typeof v === 'string' ? v.slice(0, 400) : undefined);

/** Column headers, and the field labels of the cards the rows become on phones. */
const COLUMNS = { address: 'Address', twoFactor: 'Two-factor', lastSignIn: 'Last sign-in', status: 'Status', actions: 'Actions' } as const;

export default async function AdminsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const { admin, scope } = await requireAdmin();
  const params = await searchParams;
  const admins = await listAdmins(scope);
  const activeCount = admins.filter((a) => a.active).length;
  // Notices are worded here from a code, naming an admin of this account by id from the database; nothing
  // typed into the URL reaches the page (a crafted link cannot make the console say something false).
  const subject = admins.find((a) => String(a.id) === first(params.admin));
  const code = first(params.notice);
  const notice =
    subject && code === 'added'
      ? `Admin ${subject.email} added. They must choose their own password when they first sign in.`
      : subject && code === 'deactivated' && !subject.active
        ? `Admin ${subject.email} deactivated; their sessions have ended.`
        : subject && code === 'reactivated' && subject.active
          ? `Admin ${subject.email} reactivated.`
          : subject && code === 'reset2fa' && !subject.twoFactor
            ? `Two-factor of ${subject.email} reset; their sessions have ended. They sign in with their password and set it up again.`
            : null;
  const error =
    first(params.error) === 'self'
      ? 'You cannot deactivate yourself. Ask another admin of your account.'
      : first(params.error) === 'last'
        ? `${subject?.email ?? 'That admin'} is the last active admin of this account and cannot be deactivated. Add another admin first.`
        : first(params.error) === 'not-found'
          ? 'That admin was not found in your account.'
          : first(params.error) === 'reset-self'
            ? 'Turn your own two-factor off on the Security page.'
            : null;
  return (
    <main className="wide">
      <h1>Admins</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
      <div>
        <table data-testid="admins" className="stack">
          <thead>
            <tr>
              <th scope="col">{COLUMNS.address}</th>
              <th scope="col">{COLUMNS.twoFactor}</th>
              <th scope="col">{COLUMNS.lastSignIn}</th>
              <th scope="col">{COLUMNS.status}</th>
              <th scope="col">
                <span className="visually-hidden">{COLUMNS.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {admins.map((a) => (
              <tr key={a.id} data-admin={a.email}>
                <td data-label={COLUMNS.address}>
                  {a.email}
                  {a.id === admin.id ? <strong> (you)</strong> : null}
                </td>
                <td data-label={COLUMNS.twoFactor}>{a.twoFactor ? 'On' : 'Off'}</td>
                <td data-label={COLUMNS.lastSignIn}>
                  <LocalTime at={a.lastLoginAt} />
                  {a.lastLoginIp ? <span className="mono"> from {a.lastLoginIp}</span> : null}
                </td>
                <td data-label={COLUMNS.status}>{a.active ? (a.mustChangePassword ? 'Active (initial password not yet replaced)' : 'Active') : 'Inactive'}</td>
                <td data-label={COLUMNS.actions}>
                  {a.id === admin.id || !a.twoFactor ? null : (
                    <form action={resetTwoFactorAction} className="inline">
                      <input type="hidden" name="email" value={a.email} />
                      <button type="submit" className="link" aria-label={`Reset two-factor of ${a.email}`}>
                        Reset two-factor
                      </button>
                    </form>
                  )}{' '}
                  {a.id === admin.id ? null : (
                    <form action={setAdminActiveAction} className="inline">
                      <input type="hidden" name="email" value={a.email} />
                      <input type="hidden" name="active" value={a.active ? 'false' : 'true'} />
                      <button type="submit" className="link" aria-label={`${a.active ? 'Deactivate' : 'Reactivate'} ${a.email}`} disabled={a.active && activeCount <= 1}>
                        {a.active ? 'Deactivate' : 'Reactivate'}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">You cannot deactivate yourself, and an account always keeps at least one active admin.</p>
      <section className="card" aria-labelledby="add-heading">
        <h2 id="add-heading">Add an admin</h2>
        <AddAdminForm minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

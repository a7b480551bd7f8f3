import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { listAdmins } from '@/lib/admins/service';
import { requireAdmin } from '@/lib/session/dal';
import { env } from '@/lib/env';
import { LocalTime } from '@/app/_components/local-time';
import { resetTwoFactorAction, setAdminActiveAction } from './actions';
import { AddAdminForm } from './add-admin-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Admins'))('metaTitle') };
}

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (typeof v === 'string' ? v.slice(0, 400) : undefined);

export default async function AdminsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const { admin, scope } = await requireAdmin();
  const params = await searchParams;
  const admins = await listAdmins(scope);
  const activeCount = admins.filter((a) => a.active).length;
  const t = await getTranslations('Admins');
  // Column headers, and the field labels of the cards the rows become on phones.
  const COLUMNS = { address: t('colAddress'), twoFactor: t('colTwoFactor'), lastSignIn: t('colLastSignIn'), status: t('colStatus'), actions: t('colActions') };
  // Notices are worded here from a code, naming an admin of this account by id from the database; nothing
  // typed into the URL reaches the page (a crafted link cannot make the console say something false).
  const subject = admins.find((a) => String(a.id) === first(params.admin));
  const code = first(params.notice);
  const notice =
    subject && code === 'added'
      ? t('added', { email: subject.email })
      : subject && code === 'deactivated' && !subject.active
        ? t('deactivated', { email: subject.email })
        : subject && code === 'reactivated' && subject.active
          ? t('reactivated', { email: subject.email })
          : subject && code === 'reset2fa' && !subject.twoFactor
            ? t('reset2fa', { email: subject.email })
            : null;
  const error =
    first(params.error) === 'self'
      ? t('errorSelf')
      : first(params.error) === 'last'
        ? t('errorLast', { email: subject?.email ?? t('thatAdmin') })
        : first(params.error) === 'not-found'
          ? t('errorNotFound')
          : first(params.error) === 'reset-self'
            ? t('errorResetSelf')
            : null;
  return (
    <main className="wide">
      <h1>{t('heading')}</h1>
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
                  {a.id === admin.id ? <strong> {t('you')}</strong> : null}
                </td>
                <td data-label={COLUMNS.twoFactor}>{a.twoFactor ? t('on') : t('off')}</td>
                <td data-label={COLUMNS.lastSignIn}>
                  <LocalTime at={a.lastLoginAt} />
                  {a.lastLoginIp ? <span className="mono"> {t('from', { address: a.lastLoginIp })}</span> : null}
                </td>
                <td data-label={COLUMNS.status}>{a.active ? (a.mustChangePassword ? t('activeInitial') : t('active')) : t('inactive')}</td>
                <td data-label={COLUMNS.actions}>
                  {a.id === admin.id || !a.twoFactor ? null : (
                    <form action={resetTwoFactorAction} className="inline">
                      <input type="hidden" name="email" value={a.email} />
                      <button type="submit" className="link" aria-label={t('resetTwoFactorOf', { email: a.email })}>
                        {t('resetTwoFactor')}
                      </button>
                    </form>
                  )}{' '}
                  {a.id === admin.id ? null : (
                    <form action={setAdminActiveAction} className="inline">
                      <input type="hidden" name="email" value={a.email} />
                      <input type="hidden" name="active" value={a.active ? 'false' : 'true'} />
                      <button type="submit" className="link" aria-label={a.active ? t('deactivateEmail', { email: a.email }) : t('reactivateEmail', { email: a.email })} disabled={a.active && activeCount <= 1}>
                        {a.active ? t('deactivate') : t('reactivate')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">{t('rule')}</p>
      <section className="card" aria-labelledby="add-heading">
        <h2 id="add-heading">{t('addHeading')}</h2>
        <AddAdminForm minLength={env().PASSWORD_MIN_LENGTH} />
      </section>
    </main>
  );
}

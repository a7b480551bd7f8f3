import { useTranslations } from 'next-intl';
import { NavLink } from '@/app/_components/nav-link';
import { adminSignOutAction } from '@/app/admin/(console)/actions';

/**
 * The admin area's header: the console's links, the admin's address and "Sign out". Shared by the console
 * layout and the pages outside it (two-factor setup); `links: false` for an admin confined to a page (an
 * account that requires two-factor before anything else), where links would only lead back to it.
 */
export function AdminHeader({ email, links = true }: { email: string; links?: boolean }) {
  const t = useTranslations('AdminHeader');
  return (
    <header className="top admin">
      <nav aria-label={t('nav')}>
        <strong>{t('brand')}</strong>
        {links ? (
          <>
            <NavLink href="/admin" exact>
              {t('overview')}
            </NavLink>
            <NavLink href="/admin/mailboxes" exclude={['/admin/mailboxes/new']}>
              {t('mailboxes')}
            </NavLink>
            <NavLink href="/admin/mailboxes/new">{t('newMailbox')}</NavLink>
            <NavLink href="/admin/networks">{t('networks')}</NavLink>
            <NavLink href="/admin/audit">{t('audit')}</NavLink>
            <NavLink href="/admin/admins">{t('admins')}</NavLink>
            <NavLink href="/admin/security">{t('security')}</NavLink>
            <NavLink href="/admin/notifications">{t('notifications')}</NavLink>
          </>
        ) : null}
        <span className="spacer" />
        <span className="muted">{email}</span>
        <form action={adminSignOutAction} className="inline">
          <button type="submit" className="link">
            {t('signOut')}
          </button>
        </form>
      </nav>
    </header>
  );
}

import { NavLink } from '@/app/_components/nav-link';
import { adminSignOutAction } from '@/app/admin/(console)/actions';

/** Wording of the admin header (one place, for the translations of spec §22). */
const TEXT = {
  brand: 'Portcullis admin',
  nav: 'Admin',
  overview: 'Overview',
  mailboxes: 'Mailboxes',
  newMailbox: 'New mailbox',
  networks: 'Networks',
  audit: 'Audit log',
  admins: 'Admins',
  security: 'Security',
  notifications: 'Notifications',
  signOut: 'Sign out',
};

/**
 * The admin area's header: the console's links, the admin's address and "Sign out". Shared by the console
 * layout and the pages outside it (two-factor setup); `links: false` for an admin confined to a page (an
 * account that requires two-factor before anything else), where links would only lead back to it.
 */
export function AdminHeader({ email, links = true }: { email: string; links?: boolean }) {
  return (
    <header className="top admin">
      <nav aria-label={TEXT.nav}>
        <strong>{TEXT.brand}</strong>
        {links ? (
          <>
            <NavLink href="/admin" exact>
              {TEXT.overview}
            </NavLink>
            <NavLink href="/admin/mailboxes" exclude={['/admin/mailboxes/new']}>
              {TEXT.mailboxes}
            </NavLink>
            <NavLink href="/admin/mailboxes/new">{TEXT.newMailbox}</NavLink>
            <NavLink href="/admin/networks">{TEXT.networks}</NavLink>
            <NavLink href="/admin/audit">{TEXT.audit}</NavLink>
            <NavLink href="/admin/admins">{TEXT.admins}</NavLink>
            <NavLink href="/admin/security">{TEXT.security}</NavLink>
            <NavLink href="/admin/notifications">{TEXT.notifications}</NavLink>
          </>
        ) : null}
        <span className="spacer" />
        <span className="muted">{email}</span>
        <form action={adminSignOutAction} className="inline">
          <button type="submit" className="link">
            {TEXT.signOut}
          </button>
        </form>
      </nav>
    </header>
  );
}

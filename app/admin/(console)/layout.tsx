import { NavLink } from '@/app/_components/nav-link';
import { requireAdmin } from '@/lib/auth/dal';
import { adminSignOutAction } from './actions';

export default async function AdminConsoleLayout({ children }: { children: React.ReactNode }) {
  const { admin } = await requireAdmin();
  return (
    <>
      <header className="top admin">
        <nav aria-label="Admin">
          <strong>Portcullis admin</strong>
          <NavLink href="/admin" exact>
            Overview
          </NavLink>
          <NavLink href="/admin/mailboxes" exclude={['/admin/mailboxes/new']}>
            Mailboxes
          </NavLink>
          <NavLink href="/admin/mailboxes/new">New mailbox</NavLink>
          <NavLink href="/admin/networks">Networks</NavLink>
          <NavLink href="/admin/audit">Audit log</NavLink>
          <NavLink href="/admin/admins">Admins</NavLink>
          <NavLink href="/admin/security">Security</NavLink>
          <span className="spacer" />
          <span className="muted">{admin.email}</span>
          <form action={adminSignOutAction} className="inline">
            <button type="submit" className="link">
              Sign out
            </button>
          </form>
        </nav>
      </header>
      {children}
    </>
  );
}

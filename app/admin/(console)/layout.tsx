import Link from 'next/link';
import { requireAdmin } from '@/lib/auth/dal';
import { adminSignOutAction } from './actions';

export default async function AdminConsoleLayout({ children }: { children: React.ReactNode }) {
  const { admin } = await requireAdmin();
  return (
    <>
      <header className="top admin">
        <nav aria-label="Admin">
          <strong>Portcullis admin</strong>
          <Link href="/admin/mailboxes">Mailboxes</Link>
          <Link href="/admin/mailboxes/new">New mailbox</Link>
          <Link href="/admin/networks">Networks</Link>
          <Link href="/admin/audit">Audit log</Link>
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

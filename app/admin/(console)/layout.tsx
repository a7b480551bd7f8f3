import { requireAdmin } from '@/lib/session/dal';
import { AdminHeader } from '@/app/admin/_components/admin-header';

export default async function AdminConsoleLayout({ children }: { children: React.ReactNode }) {
  const { admin } = await requireAdmin();
  return (
    <>
      <AdminHeader email={admin.email} />
      {children}
    </>
  );
}

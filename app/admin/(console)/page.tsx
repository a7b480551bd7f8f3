import { redirect } from 'next/navigation';
import { requireAdmin } from '@/lib/auth/dal';

export default async function AdminHome() {
  await requireAdmin();
  redirect('/admin/mailboxes');
}

import Link from 'next/link';
import { requireMailbox } from '@/lib/auth/dal';
import { SignOutButton } from '@/app/(auth)/sign-out/sign-out-button';

export default async function WebmailLayout({ children }: { children: React.ReactNode }) {
  const session = await requireMailbox();
  return (
    <>
      <header className="top">
        <nav aria-label="Webmail">
          <Link href="/mail">Inbox</Link>
          <Link href="/account">Account</Link>
          <span className="spacer" />
          <span className="muted">{session.mailbox.email}</span>
          <SignOutButton />
        </nav>
      </header>
      {children}
    </>
  );
}

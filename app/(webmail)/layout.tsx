import { NavLink } from '@/app/_components/nav-link';
import { requireMailbox } from '@/lib/auth/dal';
import { SignOutButton } from '@/app/(auth)/sign-out/sign-out-button';

export default async function WebmailLayout({ children }: { children: React.ReactNode }) {
  const session = await requireMailbox();
  return (
    <>
      <header className="top">
        <nav aria-label="Webmail">
          <strong>Portcullis webmail</strong>
          <NavLink href="/mail">Inbox</NavLink>
          <NavLink href="/account">Account</NavLink>
          <span className="spacer" />
          <span className="muted">{session.mailbox.email}</span>
          <SignOutButton />
        </nav>
      </header>
      {children}
    </>
  );
}

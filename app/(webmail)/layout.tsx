import { NavLink } from '@/app/_components/nav-link';
import { requireMailbox } from '@/lib/session/dal';
import { SignOutButton } from '@/app/(auth)/sign-out/sign-out-button';

export default async function WebmailLayout({ children }: { children: React.ReactNode }) {
  // Every page checks the session itself (requireMailbox); the layout admits the two-factor enrolment page
  // too, and hides the links while enrolment is required (they would only lead back there).
  const session = await requireMailbox('enrolment');
  const links = !session.mailbox.twoFactorEnrolmentRequired;
  return (
    <>
      <header className="top">
        <nav aria-label="Webmail">
          <strong>Portcullis webmail</strong>
          {links ? (
            <>
              <NavLink href="/mail">Inbox</NavLink>
              <NavLink href="/account">Account</NavLink>
            </>
          ) : null}
          <span className="spacer" />
          <span className="muted">{session.mailbox.email}</span>
          <SignOutButton />
        </nav>
      </header>
      {children}
    </>
  );
}

import { getTranslations } from 'next-intl/server';
import { NavLink } from '@/app/_components/nav-link';
import { requireMailbox } from '@/lib/session/dal';
import { SignOutButton } from '@/app/(auth)/sign-out/sign-out-button';

export default async function WebmailLayout({ children }: { children: React.ReactNode }) {
  // Every page checks the session itself (requireMailbox); the layout admits the two-factor enrolment page
  // too, and hides the links while enrolment is required (they would only lead back there).
  const session = await requireMailbox('enrolment');
  const links = !session.mailbox.twoFactorEnrolmentRequired;
  const t = await getTranslations('Webmail');
  return (
    <>
      <header className="top">
        <nav aria-label={t('nav')}>
          <strong>{t('brand')}</strong>
          {links ? (
            <>
              <NavLink href="/mail">{t('inbox')}</NavLink>
              <NavLink href="/account">{t('account')}</NavLink>
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

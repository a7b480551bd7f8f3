import { getTranslations } from 'next-intl/server';
import { NavLink } from '@/app/_components/nav-link';
import { requireMailbox } from '@/lib/auth/dal';
import { SignOutButton } from '@/app/(auth)/sign-out/sign-out-button';

export default async function WebmailLayout({ children }: { children: React.ReactNode }) {
  const session = await requireMailbox();
  const t = await getTranslations('Webmail');
  return (
    <>
      <header className="top">
        <nav aria-label={t('nav')}>
          <strong>{t('brand')}</strong>
          <NavLink href="/mail">{t('inbox')}</NavLink>
          <NavLink href="/account">{t('account')}</NavLink>
          <span className="spacer" />
          <span className="muted">{session.mailbox.email}</span>
          <SignOutButton />
        </nav>
      </header>
      {children}
    </>
  );
}

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import type { PasswordAge } from '@/lib/mailboxes/password-age';
import { LocalTime } from '@/app/_components/local-time';

/** The routine check's reminder on /mail (spec §21), from 14 days before the password expires. */
export function PasswordReminder({ age }: { age: PasswordAge }) {
  const t = useTranslations('PasswordReminder');
  if (age.state !== 'reminder') return null;
  return (
    <p className="notice" role="status" data-testid="password-reminder">
      {t('expiresIn', { days: age.daysLeft })} {t.rich('on', { time: () => <LocalTime at={new Date(age.expiresAt).toISOString()} /> })} {t('why')} <Link href="/account#password-heading">{t('change')}</Link>
    </p>
  );
}

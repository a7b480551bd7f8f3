import Link from 'next/link';
import type { PasswordAge } from '@/lib/mailboxes/password-age';
import { LocalTime } from '@/app/_components/local-time';

const TEXT = {
  expiresIn: (days: number) => (days === 1 ? 'Your password expires within a day' : `Your password expires in ${days} days`),
  on: 'on',
  why: 'Your organisation requires a new password at regular intervals. After that you will have to choose a new one when you next sign in, and your mail apps will need it too.',
  change: 'Change your password now',
} as const;

/** The routine check's reminder on /mail (spec §21), from 14 days before the password expires. */
export function PasswordReminder({ age }: { age: PasswordAge }) {
  if (age.state !== 'reminder') return null;
  return (
    <p className="notice" role="status" data-testid="password-reminder">
      {TEXT.expiresIn(age.daysLeft)} ({TEXT.on} <LocalTime at={new Date(age.expiresAt).toISOString()} />). {TEXT.why} <Link href="/account#password-heading">{TEXT.change}</Link>
    </p>
  );
}

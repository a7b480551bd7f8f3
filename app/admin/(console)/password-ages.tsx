import Link from 'next/link';
import { getAccountPolicy } from '@/lib/accounts/policy';
import { passwordAges } from '@/lib/mailboxes/password-expiry';
import type { Scope } from '@/lib/scope';

const TEXT = {
  heading: 'Password ages',
  under90: 'set within the last 90 days',
  from90to365: '90 days to a year old',
  over365: 'older than a year',
  policyOff: 'Passwords do not expire (the default).',
  policyOn: (days: number) => `Passwords expire after ${days} days.`,
  expiringSoon: (n: number) => (n === 1 ? '1 password expires within 14 days.' : `${n} passwords expire within 14 days.`),
  policyLink: 'Policies for mailboxes',
} as const;

/** The overview's password ages (spec §21), each band a link to the mailbox list filtered by it. */
export async function PasswordAges({ scope }: { scope: Scope }) {
  const policy = scope.kind === 'account' ? await getAccountPolicy(scope) : { password_max_age_days: null };
  const ages = await passwordAges(scope, policy.password_max_age_days);
  const bands = [
    { key: 'under90', n: ages.under90, label: TEXT.under90, href: '/admin/mailboxes' },
    { key: 'from90to365', n: ages.from90to365, label: TEXT.from90to365, href: '/admin/mailboxes?age=90' },
    { key: 'over365', n: ages.over365, label: TEXT.over365, href: '/admin/mailboxes?age=365' },
  ];
  return (
    <section aria-labelledby="password-ages-heading" data-testid="password-ages">
      <h2 id="password-ages-heading">{TEXT.heading}</h2>
      <ul className="overview-counts">
        {bands.map((b) => (
          <li key={b.key} data-testid={`password-age-${b.key}`}>
            <Link href={b.href}>
              <span className="count">{b.n}</span> {b.label}
            </Link>
          </li>
        ))}
      </ul>
      <p>
        {policy.password_max_age_days === null ? TEXT.policyOff : TEXT.policyOn(policy.password_max_age_days)}{' '}
        {ages.expiringSoon ? TEXT.expiringSoon(ages.expiringSoon) : null} <Link href="/admin/security#mailbox-policy-heading">{TEXT.policyLink}</Link>
      </p>
    </section>
  );
}

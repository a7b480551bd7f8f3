import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { getAccountPolicy } from '@/lib/accounts/policy';
import { passwordAges } from '@/lib/mailboxes/password-expiry';
import type { Scope } from '@/lib/scope';

/** The overview's password ages (spec §21), each band a link to the mailbox list filtered by it. */
export async function PasswordAges({ scope }: { scope: Scope }) {
  const policy = scope.kind === 'account' ? await getAccountPolicy(scope) : { password_max_age_days: null };
  const t = await getTranslations('PasswordAges');
  const ages = await passwordAges(scope, policy.password_max_age_days);
  const bands = [
    { key: 'under90', n: ages.under90, label: t('under90'), href: '/admin/mailboxes' },
    { key: 'from90to365', n: ages.from90to365, label: t('from90to365'), href: '/admin/mailboxes?age=90' },
    { key: 'over365', n: ages.over365, label: t('over365'), href: '/admin/mailboxes?age=365' },
  ];
  return (
    <section aria-labelledby="password-ages-heading" data-testid="password-ages">
      <h2 id="password-ages-heading">{t('heading')}</h2>
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
        {policy.password_max_age_days === null ? t('policyOff') : t('policyOn', { days: policy.password_max_age_days })}{' '}
        {ages.expiringSoon ? t('expiringSoon', { count: ages.expiringSoon }) : null} <Link href="/admin/security#mailbox-policy-heading">{t('policyLink')}</Link>
      </p>
    </section>
  );
}

import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { failingDestinations } from '@/lib/notify/outbox';

/** The admin overview's line for destinations that keep failing (spec §21); nothing when all is well. */
export async function FailingDestinationsLine({ accountId }: { accountId: number }) {
  const failing = await failingDestinations(accountId);
  if (failing.length === 0) return null;
  const t = await getTranslations('FailingDestinations');
  return (
    <p className="alert" data-testid="notify-failing">
      {t('lead')}{' '}
      {failing
        .map((d) => (d.lastError ? t('itemWithError', { target: d.label || d.target, failures: d.failures, error: d.lastError }) : t('item', { target: d.label || d.target, failures: d.failures })))
        .join('; ')}
      . <Link href="/admin/notifications">{t('action')}</Link>.
    </p>
  );
}

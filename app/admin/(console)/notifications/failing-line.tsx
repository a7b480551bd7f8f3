import Link from 'next/link';
import { failingDestinations } from '@/lib/notify/outbox';

const TEXT = {
  lead: 'Alerts are not getting through:',
  item: (target: string, failures: number, error: string | null) => `${target} (${failures} failed deliveries in a row${error ? `; last: ${error}` : ''})`,
  action: 'Check the destinations',
} as const;

/** The admin overview's line for destinations that keep failing (spec §21); nothing when all is well. */
export async function FailingDestinationsLine({ accountId }: { accountId: number }) {
  const failing = await failingDestinations(accountId);
  if (failing.length === 0) return null;
  return (
    <p className="alert" data-testid="notify-failing">
      {TEXT.lead} {failing.map((d) => TEXT.item(d.label || d.target, d.failures, d.lastError)).join('; ')}. <Link href="/admin/notifications">{TEXT.action}</Link>.
    </p>
  );
}

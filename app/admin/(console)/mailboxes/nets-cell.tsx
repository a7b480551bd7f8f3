import { useTranslations } from 'next-intl';
import { Address } from '@/app/_components/address';
import { entriesOf, type EntryMeta } from '@/lib/net/allowlist-entries';
import { SOON_MS } from '@/app/admin/_components/entry-rows';

/** How many entries of a list the table shows before "…". */
const SHOWN_NETS = 2;

/**
 * The list page's "Allowed networks" cell: count and first entries, each entry's label shown on hover and
 * on keyboard focus, and marks for expired or soon-expiring entries and for monitor mode.
 */
export function NetsCell({ allowNets, allowNetsMeta, allowNetsMode, now }: { allowNets: string | null; allowNetsMeta: EntryMeta | null; allowNetsMode: 'enforce' | 'monitor'; now: number }) {
  const t = useTranslations('NetsCell');
  const entries = entriesOf({ canonical: allowNets, meta: allowNetsMeta });
  if (entries.length === 0) return <span className="muted">{t('none')}</span>;
  const expired = entries.filter((e) => e.expiresAt !== null && e.expiresAt <= now).length;
  const soon = entries.filter((e) => e.expiresAt !== null && e.expiresAt > now && e.expiresAt - now <= SOON_MS).length;
  return (
    <>
      {t('entries', { count: entries.length })}{' '}
      <span>
        {entries.slice(0, SHOWN_NETS).map((e, i) => (
          <span key={e.net}>
            {i > 0 ? ', ' : ''}
            {e.label ? (
              <span className="net-labelled" tabIndex={0} title={e.label}>
                <Address text={e.net} />
                <span className="net-label" role="tooltip">
                  {e.label}
                </span>
              </span>
            ) : (
              <Address text={e.net} />
            )}
          </span>
        ))}
        {entries.length > SHOWN_NETS ? ', …' : ''}
      </span>
      {expired > 0 ? <span className="badge error" data-testid="expired-mark"> {t('expired', { count: expired })}</span> : null}
      {soon > 0 ? <span className="badge warning" data-testid="expiring-mark"> {t('expiring', { count: soon })}</span> : null}
      {allowNetsMode === 'monitor' ? <span className="badge"> {t('monitor')}</span> : null}
    </>
  );
}

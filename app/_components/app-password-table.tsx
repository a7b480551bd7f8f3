import { useTranslations } from 'next-intl';
import type { AppPasswordView } from '@/lib/app-passwords/service';
import { LocalTime } from './local-time';

const PROTOCOL_NAMES: ReadonlyMap<string, string> = new Map([
  ['imap', 'IMAP'],
  ['pop3', 'POP3'],
  ['smtp', 'SMTP'],
]);

/**
 * A mailbox's app passwords (spec §20) with Revoke per row: on /account for the user, on the admin's mailbox
 * page for its admins. `hidden` names the mailbox for the admin's action; the user's action needs none.
 */
export function AppPasswordTable({ items, revoke, hidden = {}, testId }: { items: AppPasswordView[]; revoke: (formData: FormData) => Promise<void>; hidden?: Record<string, string>; testId: string }) {
  const t = useTranslations('AppPasswordTable');
  return (
    <div className="table-scroll">
      <table data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('label')}</th>
            <th scope="col">{t('protocols')}</th>
            <th scope="col">{t('networks')}</th>
            <th scope="col">{t('expires')}</th>
            <th scope="col">{t('lastUse')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>{a.label}</td>
              <td>{a.protocols.map((p) => PROTOCOL_NAMES.get(p) ?? p).join(', ')}</td>
              <td className="mono">{a.allowNets ? a.allowNets.split(',').join(', ') : t('any')}</td>
              <td>
                {a.expiresAt ? <LocalTime at={a.expiresAt.toISOString()} /> : t('never')} {a.expired ? t('expired') : null}
              </td>
              <td>
                {a.lastUsedAt ? (
                  <>
                    <LocalTime at={a.lastUsedAt.toISOString()} /> {t('from')} <span className="mono">{a.lastUsedAddress ?? t('unknown')}</span>
                    {a.lastUsedProtocol ? ` (${PROTOCOL_NAMES.get(a.lastUsedProtocol) ?? a.lastUsedProtocol})` : null}
                  </>
                ) : (
                  t('never')
                )}
              </td>
              <td>
                <form action={revoke}>
                  {Object.entries(hidden).map(([name, value]) => (
                    <input key={name} type="hidden" name={name} value={value} />
                  ))}
                  <input type="hidden" name="id" value={a.id} />
                  <button type="submit" className="link" aria-label={t('revokeLabel', { label: a.label })}>
                    {t('revoke')}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

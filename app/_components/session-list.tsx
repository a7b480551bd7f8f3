import { useTranslations } from 'next-intl';
import { deviceName } from '@/lib/i18n/device-names';
import type { SessionView } from '@/lib/sessions/service';
import { Address } from './address';
import { LocalTime } from '@/app/_components/local-time';

/**
 * "Where you're signed in": web and API sessions with device, addresses and times. With `signOut`, each
 * session other than this browser's gets a "Sign out" button (a plain form: works without JavaScript).
 */
export function SessionList({ sessions, signOut, testId }: { sessions: SessionView[]; signOut?: (formData: FormData) => Promise<void>; testId?: string }) {
  const t = useTranslations('SessionList');
  const words = useTranslations('DeviceNames');
  if (sessions.length === 0) return <p>{t('none')}</p>;
  return (
    <div className="table-scroll">
      <table data-testid={testId} className="stack">
        <thead>
          <tr>
            <th scope="col">{t('device')}</th>
            <th scope="col">{t('address')}</th>
            <th scope="col">{t('signedIn')}</th>
            <th scope="col">{t('lastActive')}</th>
            {signOut ? (
              <th scope="col">
                <span className="visually-hidden">{t('action')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => {
            const device = `${deviceName(s.device, words)}${s.channel === 'api' ? ` ${t('api')}` : ''}`;
            return (
              <tr key={`${s.channel}-${s.id}`} data-session={s.current ? 'current' : 'other'}>
                <td data-label={t('device')}>
                  {device}
                  {s.current ? <strong> {t('thisDevice')}</strong> : null}
                </td>
                <td data-label={t('address')}>
                  {s.lastIp ? <Address text={s.lastIp} /> : t('unknown')}
                  {s.startIp && s.startIp !== s.lastIp ? <span className="muted"> {t('signedInFrom', { address: s.startIp })}</span> : null}
                </td>
                <td data-label={t('signedIn')}>
                  <LocalTime at={s.startedAt} />
                </td>
                <td data-label={t('lastActive')}>
                  <LocalTime at={s.lastActiveAt} />
                </td>
                {signOut ? (
                  <td data-label="" className="select-cell">
                    {s.current ? null : (
                      <form action={signOut} className="inline">
                        <input type="hidden" name="channel" value={s.channel} />
                        <input type="hidden" name="id" value={s.id} />
                        <button type="submit" className="link" aria-label={t('signOutLabel', { device, address: s.lastIp ?? t('unknownAddress') })}>
                          {t('signOut')}
                        </button>
                      </form>
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

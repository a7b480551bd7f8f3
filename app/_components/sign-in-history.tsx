import Link from 'next/link';
import { useTranslations } from 'next-intl';
import type { SignInEvent } from '@/lib/audit';
import { deviceName } from '@/lib/i18n/device-names';
import { describeUserAgent } from '@/lib/user-agent';
import { Address } from './address';
import { PROTOCOL_NAMES } from './labels';
import { LocalTime } from './local-time';
import { reasonWords, SIGN_IN_REASON_TEXTS } from './sign-in-reason';

const PROTOCOLS = PROTOCOL_NAMES;

/**
 * Recent sign-in attempts (web, API, mail protocols): time in the reader's time zone, address, device,
 * and the result, refusals highlighted. Shared by /account and the admin's mailbox page.
 */
export function SignInHistory({ events, empty, testId, notYouHref }: { events: SignInEvent[]; empty: string; testId?: string; notYouHref?: string }) {
  const t = useTranslations('SignInHistory');
  const tr = useTranslations(SIGN_IN_REASON_TEXTS);
  const words = useTranslations('DeviceNames');
  if (events.length === 0) return <p>{empty}</p>;
  const anyRefused = events.some((s) => s.event !== 'login_succeeded');
  const device = (userAgent: string | null) => deviceName(describeUserAgent(userAgent), words);
  return (
    <>
      <table data-testid={testId} className="stack sign-ins">
        <caption className="visually-hidden">{t('caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('time')}</th>
            <th scope="col">{t('address')}</th>
            <th scope="col">{t('device')}</th>
            <th scope="col">{t('protocol')}</th>
            <th scope="col">{t('result')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((s, i) => {
            const ok = s.event === 'login_succeeded';
            const protocol = PROTOCOLS[s.protocol ?? ''];
            return (
              <tr key={i} className={ok ? undefined : 'refused'}>
                <td data-label={t('time')}>
                  <LocalTime at={s.at.toISOString()} />
                </td>
                <td data-label={t('address')}>{s.clientIp ? <Address text={s.clientIp} /> : t('unknown')}</td>
                <td data-label={t('device')}>{s.protocol === 'web' || s.userAgent ? device(s.userAgent) : protocol ? t('client', { protocol }) : t('unknownClient')}</td>
                <td data-label={t('protocol')}>{protocol ?? '-'}</td>
                <td data-label={t('result')}>
                  {ok ? t('signedIn') : <span className="result-refused">{s.reason ? t('refused', { reason: reasonWords(s.reason, tr) }) : t('refusedPlain')}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {notYouHref ? (
        <p>
          {anyRefused ? t('notRecognised') : t('notYou')} {t.rich('changePassword', { link: (text) => <Link href={notYouHref}>{text}</Link> })}
        </p>
      ) : null}
    </>
  );
}

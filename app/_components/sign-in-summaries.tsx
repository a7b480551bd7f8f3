import { getLocale, getTranslations } from 'next-intl/server';
import type { SignInSummary } from '@/lib/sign-in-summaries/read';
import { Address } from './address';
import { PROTOCOL_NAMES, relativeTime } from './labels';
import { LocalTime } from './local-time';

/**
 * Successful sign-ins counted per protocol, credential and address (spec §19): "IMAP from 198.51.100.7 ·
 * 1,284 times · last 2 minutes ago". Shared by /account and the admin's mailbox page; words from the
 * catalogue (`SignInSummaries`).
 */
export async function SignInSummaries({ summaries, now, testId }: { summaries: SignInSummary[]; now: number; testId?: string }) {
  if (summaries.length === 0) return null;
  const [t, locale] = await Promise.all([getTranslations('SignInSummaries'), getLocale()]);
  return (
    <ul data-testid={testId} className="sign-in-summaries" aria-label={t('caption')}>
      {summaries.map((s, i) => {
        const protocol = PROTOCOL_NAMES[s.protocol] ?? s.protocol;
        return (
          <li key={i}>
            {s.credential.startsWith('app:') ? t('protocolAppPassword', { protocol }) : protocol} {t('from')} {s.clientIp ? <Address text={s.clientIp} /> : t('unknownAddress')} ·{' '}
            {t('count', { count: s.count })} · {t('last')} <LocalTime at={s.lastSeen.toISOString()} relative={relativeTime(s.lastSeen, new Date(now), locale) ?? undefined} />
          </li>
        );
      })}
    </ul>
  );
}

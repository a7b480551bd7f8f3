import { useTranslations } from 'next-intl';

/**
 * What the admin pages say when MAIL_KICK_URL is unset (spec §18): a change here reaches the web and the API
 * at once, but a mail app that is already connected keeps its connection until it reconnects.
 */
export function MailKickOff({ testId = 'mail-kick-off' }: { testId?: string }) {
  const t = useTranslations('MailKickOff');
  return (
    <p className="caution" role="note" data-testid={testId}>
      {t('text')}
    </p>
  );
}

/**
 * What the admin pages say when MAIL_KICK_URL is unset (spec §18): a change here reaches the web and the API
 * at once, but a mail app that is already connected keeps its connection until it reconnects.
 */
export const MAIL_KICK_OFF_TEXT =
  'Open mail connections are not ended: a mail app that is already connected keeps reading mail until it reconnects, because MAIL_KICK_URL is not set (README, "Mail protocols").';

export function MailKickOff({ testId = 'mail-kick-off' }: { testId?: string }) {
  return (
    <p className="caution" role="note" data-testid={testId}>
      {MAIL_KICK_OFF_TEXT}
    </p>
  );
}

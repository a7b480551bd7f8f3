import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { requireMailbox } from '@/lib/session/dal';
import { listMessages } from '@/lib/messages/service';
import { Address } from '@/app/_components/address';
import { LocalTime } from '@/app/_components/local-time';
import { ownPasswordAge } from '@/lib/mailboxes/password-expiry';
import { PasswordReminder } from './password-reminder';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Inbox'))('metaTitle') };
}

// The notices a redirect may ask for, each a catalogue key (namespace `Inbox`).
const NOTICES = new Map([['password-changed', 'passwordChanged']] as const);

export default async function InboxPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const messages = await listMessages(session);
  const passwordAge = await ownPasswordAge(session.mailbox.id);
  const t = await getTranslations('Inbox');
  const noticeKey = typeof notice === 'string' ? NOTICES.get(notice as 'password-changed') : undefined;
  return (
    <main>
      <h1>{t('heading')}</h1>
      {noticeKey ? (
        <p className="notice" role="status">
          {t(noticeKey)}
        </p>
      ) : null}
      <PasswordReminder age={passwordAge} />
      {messages.length === 0 ? (
        <p>{t('empty')}</p>
      ) : (
        <table className="stack" data-testid="inbox">
          <caption className="muted">{t('count', { count: messages.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('from')}</th>
              <th scope="col">{t('subject')}</th>
              <th scope="col">{t('received')}</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td data-label={t('from')}>
                  <Address text={m.fromAddress} />
                </td>
                <td data-label={t('subject')}>
                  <Link href={`/mail/${m.id}`}>{m.subject}</Link>
                </td>
                <td data-label={t('received')}>
                  <LocalTime at={m.receivedAt.toISOString()} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { requireMailbox } from '@/lib/session/dal';
import { listMessages } from '@/lib/messages/service';
import { Address } from '@/app/_components/address';
import { LocalTime } from '@/app/_components/local-time';
import { ownPasswordAge } from '@/lib/mailboxes/password-expiry';
import { PasswordReminder } from './password-reminder';

export const metadata: Metadata = { title: 'Inbox' };

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password has been changed. Other devices have been signed out.',
};

export default async function InboxPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const messages = await listMessages(session);
  const passwordAge = await ownPasswordAge(session.mailbox.id);
  return (
    <main>
      <h1>Inbox</h1>
      {typeof notice === 'string' && Object.hasOwn(NOTICES, notice) ? (
        <p className="notice" role="status">
          {NOTICES[notice]}
        </p>
      ) : null}
      <PasswordReminder age={passwordAge} />
      {messages.length === 0 ? (
        <p>No messages.</p>
      ) : (
        <table className="stack" data-testid="inbox">
          <caption className="muted">{messages.length === 1 ? '1 message' : `${messages.length} messages`}</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Subject</th>
              <th scope="col">Received</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td data-label="From">
                  <Address text={m.fromAddress} />
                </td>
                <td data-label="Subject">
                  <Link href={`/mail/${m.id}`}>{m.subject}</Link>
                </td>
                <td data-label="Received">
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

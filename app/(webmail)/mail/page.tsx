import type { Metadata } from 'next';
import Link from 'next/link';
import { requireMailbox } from '@/lib/auth/dal';
import { listMessages } from '@/lib/messages';

export const metadata: Metadata = { title: 'Inbox' };

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password has been changed. Other devices have been signed out.',
};

export default async function InboxPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const session = await requireMailbox();
  const { notice } = await searchParams;
  const messages = listMessages(session);
  return (
    <main>
      <h1>Inbox</h1>
      {notice && NOTICES[notice] ? (
        <p className="notice" role="status">
          {NOTICES[notice]}
        </p>
      ) : null}
      {messages.length === 0 ? (
        <p>No messages.</p>
      ) : (
        <table>
          <caption className="muted">{messages.length} messages</caption>
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
                <td>{m.fromAddress}</td>
                <td>
                  <Link href={`/mail/${m.id}`}>{m.subject}</Link>
                </td>
                <td>
                  <time dateTime={m.receivedAt.toISOString()}>{m.receivedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

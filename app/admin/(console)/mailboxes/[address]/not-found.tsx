import Link from 'next/link';

export default function MailboxNotFound() {
  return (
    <main className="narrow">
      <h1>Mailbox not found</h1>
      <p>
        There is no such mailbox in your account. <Link href="/admin/mailboxes">Back to the mailboxes</Link>.
      </p>
    </main>
  );
}

import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

export default async function MailboxNotFound() {
  const t = await getTranslations('MailboxPage');
  return (
    <main className="narrow">
      <h1>{t('notFoundHeading')}</h1>
      <p>{t.rich('notFoundText', { link: (text) => <Link href="/admin/mailboxes">{text}</Link> })}</p>
    </main>
  );
}

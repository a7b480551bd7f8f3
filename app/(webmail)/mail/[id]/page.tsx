import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { requireMailbox } from '@/lib/session/dal';
import { getMessage } from '@/lib/messages/service';
import { LocalTime } from '@/app/_components/local-time';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Message'))('metaTitle') };
}

export default async function MessagePage({ params }: { params: Promise<{ id: string }> }) {
  const session = await requireMailbox();
  const { id } = await params;
  const message = /^\d{1,12}$/.test(id) ? await getMessage(session, Number(id)) : undefined;
  if (!message) notFound();
  const t = await getTranslations('Message');
  return (
    <main>
      <p>
        <Link href="/mail">{t('back')}</Link>
      </p>
      <article className="card">
        <h1>{message.subject}</h1>
        <p className="muted">
          {t('from', { address: message.fromAddress })}, <LocalTime at={message.receivedAt} />
        </p>
        <p className="message-body">{message.body}</p>
      </article>
    </main>
  );
}

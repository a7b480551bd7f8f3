import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

export default async function NotFound() {
  const t = await getTranslations('NotFound');
  return (
    <main className="narrow">
      <h1>{t('heading')}</h1>
      <p>{t.rich('text', { link: (text) => <Link href="/mail">{text}</Link> })}</p>
    </main>
  );
}

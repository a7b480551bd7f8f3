import type { Metadata } from 'next';
import { NextIntlClientProvider } from 'next-intl';
import { getLocale, getTranslations } from 'next-intl/server';
import { connection } from 'next/server';
import { LanguageSwitch } from '@/app/_components/language-switch';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('Layout');
  return {
    title: { default: t('title'), template: t('titleTemplate') },
    robots: { index: false, follow: false },
  };
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: the Content-Security-Policy's nonce (proxy.ts) is new each time, and
  // a prerendered page's inline scripts could not carry it.
  await connection();
  // The language of this request (lib/i18n/request.ts): the switch's cookie, else Accept-Language.
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body>
        <NextIntlClientProvider>
          {children}
          <LanguageSwitch />
        </NextIntlClientProvider>
      </body>
    </html>
  );
}

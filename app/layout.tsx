import type { Metadata } from 'next';
import { connection } from 'next/server';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Portcullis webmail', template: '%s · Portcullis' },
  robots: { index: false, follow: false },
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: the Content-Security-Policy's nonce (proxy.ts) is new each time, and
  // a prerendered page's inline scripts could not carry it.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

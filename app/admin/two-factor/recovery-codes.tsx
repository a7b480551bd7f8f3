'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useHydrated } from '@/app/admin/_components/use-hydrated';

/** The codes as a text file: a title, a one-line hint, one code per line (the same text Copy puts on the clipboard). */
function recoveryCodesText(codes: readonly string[], title: string, hint: string): string {
  return [title, hint, '', ...codes, ''].join('\n');
}

/**
 * Freshly generated recovery codes, shown once, with ways to keep them: Download (a data: link, which works
 * without JavaScript), Copy and Print (buttons that need JavaScript, so shown only once it runs; printing
 * prints the codes alone, see globals.css).
 */
export function RecoveryCodes({ codes, who, kind = 'admin' }: { codes: readonly string[]; who?: string; kind?: 'admin' | 'mailbox' }) {
  const t = useTranslations('RecoveryCodes');
  const hydrated = useHydrated();
  const [status, setStatus] = useState('');
  const title = kind === 'admin' ? (who ? t('fileTitleFor', { who }) : t('fileTitle')) : who ? t('fileTitleMailboxFor', { who }) : t('fileTitleMailbox');
  const text = recoveryCodesText(codes, title, t('fileHint'));
  return (
    <section aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">{t('heading')}</h2>
      <p>{t('intro')}</p>
      <ul className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="recovery-actions" role="group" aria-label={t('actions')}>
        <a className="button secondary" href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download={t('fileName')}>
          {t('download')}
        </a>
        {hydrated ? (
          <>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                navigator.clipboard.writeText(text).then(
                  () => setStatus(t('copied')),
                  () => setStatus(t('copyFailed')),
                );
              }}
            >
              {t('copy')}
            </button>
            <button type="button" className="secondary" onClick={() => window.print()}>
              {t('print')}
            </button>
          </>
        ) : null}
        <span role="status" aria-live="polite">
          {status}
        </span>
      </div>
    </section>
  );
}

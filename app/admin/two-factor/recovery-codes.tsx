'use client';

import { useState } from 'react';
import { useHydrated } from '@/app/admin/_components/use-hydrated';

/** Wording of the recovery codes (one place, for the translations of spec §22). */
const TEXT = {
  heading: 'Your recovery codes',
  intro: 'Each code signs you in once if you lose your authenticator. Keep them somewhere safe: this is the only time they are shown.',
  actions: 'Save your recovery codes',
  copy: 'Copy',
  copied: 'Copied to the clipboard.',
  copyFailed: 'Could not copy: select the codes and copy them yourself.',
  download: 'Download as .txt',
  print: 'Print',
  fileName: 'portcullis-recovery-codes.txt',
  fileTitle: (who: string | undefined, kind: 'admin' | 'mailbox') => `Portcullis ${kind === 'admin' ? 'admin' : 'webmail'} recovery codes${who ? ` for ${who}` : ''}`,
  fileHint: 'Each code signs you in once, instead of a code from your authenticator app.',
};

/** The codes as a text file: a title, a one-line hint, one code per line (the same text Copy puts on the clipboard). */
export function recoveryCodesText(codes: readonly string[], who?: string, kind: 'admin' | 'mailbox' = 'admin'): string {
  return [TEXT.fileTitle(who, kind), TEXT.fileHint, '', ...codes, ''].join('\n');
}

/**
 * Freshly generated recovery codes, shown once, with ways to keep them: Download (a data: link, which works
 * without JavaScript), Copy and Print (buttons that need JavaScript, so shown only once it runs; printing
 * prints the codes alone, see globals.css).
 */
export function RecoveryCodes({ codes, who, kind = 'admin' }: { codes: readonly string[]; who?: string; kind?: 'admin' | 'mailbox' }) {
  const hydrated = useHydrated();
  const [status, setStatus] = useState('');
  const text = recoveryCodesText(codes, who, kind);
  return (
    <section aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">{TEXT.heading}</h2>
      <p>{TEXT.intro}</p>
      <ul className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="recovery-actions" role="group" aria-label={TEXT.actions}>
        <a className="button secondary" href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download={TEXT.fileName}>
          {TEXT.download}
        </a>
        {hydrated ? (
          <>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                navigator.clipboard.writeText(text).then(
                  () => setStatus(TEXT.copied),
                  () => setStatus(TEXT.copyFailed),
                );
              }}
            >
              {TEXT.copy}
            </button>
            <button type="button" className="secondary" onClick={() => window.print()}>
              {TEXT.print}
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

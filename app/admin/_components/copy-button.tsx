'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useHydrated } from './use-hydrated';

/**
 * Copies `text` to the clipboard and says so beside the button. Only rendered once JavaScript runs: without
 * it the text stays on the page as selectable text, and a button that does nothing would mislead.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useTranslations('CopyButton');
  const hydrated = useHydrated();
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  if (!hydrated) return null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void copy()} aria-label={label}>
        {t('copy')}
      </button>{' '}
      <span role="status">{status === 'copied' ? t('copied') : status === 'failed' ? t('failed') : ''}</span>
    </>
  );
}

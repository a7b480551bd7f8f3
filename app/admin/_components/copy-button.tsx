'use client';

import { useState } from 'react';
import { useHydrated } from './use-hydrated';

const TEXT = {
  copy: 'Copy',
  copied: 'Copied to the clipboard.',
  failed: 'Could not copy: select the text and copy it yourself.',
} as const;

/**
 * Copies `text` to the clipboard and says so beside the button. Only rendered once JavaScript runs: without
 * it the text stays on the page as selectable text, and a button that does nothing would mislead.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
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
        {TEXT.copy}
      </button>{' '}
      <span role="status">{status === 'copied' ? TEXT.copied : status === 'failed' ? TEXT.failed : ''}</span>
    </>
  );
}

'use client';

import { useTranslations } from 'next-intl';
import { useHydrated } from '@/app/admin/_components/use-hydrated';

/** "Select all on this page": a convenience that needs JavaScript, so it only appears with it. */
export function SelectAll() {
  const hydrated = useHydrated();
  const t = useTranslations('MailboxList');
  if (!hydrated) return null;
  // On phones the table is a stack of cards without its header row; this cell alone stays, with its words
  // visible (the label's text is hidden from assistive technology, which reads the aria-label).
  return (
    <label className="select-all">
      <input
        type="checkbox"
        aria-label={t('selectAll')}
        onChange={(e) => {
          for (const box of e.currentTarget.form?.querySelectorAll<HTMLInputElement>('input[name="selected"]') ?? []) box.checked = e.currentTarget.checked;
        }}
      />
      <span className="select-all-text" aria-hidden="true">
        {t('selectAllShort')}
      </span>
    </label>
  );
}

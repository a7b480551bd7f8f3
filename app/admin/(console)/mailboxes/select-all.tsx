'use client';

import { useHydrated } from '@/app/admin/_components/use-hydrated';

/** "Select all on this page": a convenience that needs JavaScript, so it only appears with it. */
export function SelectAll() {
  const hydrated = useHydrated();
  if (!hydrated) return null;
  return (
    <input
      type="checkbox"
      aria-label="Select all mailboxes on this page"
      onChange={(e) => {
        for (const box of e.currentTarget.form?.querySelectorAll<HTMLInputElement>('input[name="selected"]') ?? []) box.checked = e.currentTarget.checked;
      }}
    />
  );
}

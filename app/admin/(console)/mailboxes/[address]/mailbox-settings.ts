import type { EntryMeta } from '@/lib/net/allowlist-entries';
import { infoText, type EntryInfoMap } from '@/app/admin/_components/entry-info';

/** What the mailbox form edits: the fields' values, and the stored values they were based on. */
export interface MailboxSettings {
  allowNets: string;
  /** Labels and expiry of the entries, by entry (form text). */
  entryInfo: EntryInfoMap;
  allowNetsMode: 'enforce' | 'monitor';
  requireResetPassword: boolean;
  memo: string;
}

/** How many entry rows (label, expiry) the mailbox page renders before "Show all". */
export const ENTRY_ROWS_SHOWN = 100;

/**
 * The stored mailbox as form values. `rowLimit`: only the first entries' labels and expiry go to the form
 * (the rows shown); saving keeps the stored label and expiry of every entry whose row was not shown. An
 * unrestricted mailbox is an empty field. Activation has its own form (the danger zone).
 */
export function settingsOf(
  view: { allowNets: string | null; allowNetsMeta: EntryMeta | null; allowNetsMode: 'enforce' | 'monitor'; requireResetPassword: boolean; memo: string },
  rowLimit: number | null = null,
): MailboxSettings {
  let meta = view.allowNetsMeta;
  if (meta && rowLimit !== null && view.allowNets) {
    const shown = new Set(view.allowNets.split(',').slice(0, rowLimit));
    meta = Object.fromEntries(Object.entries(meta).filter(([net]) => shown.has(net)));
  }
  return { allowNets: view.allowNets ?? '', entryInfo: infoText(meta), allowNetsMode: view.allowNetsMode, requireResetPassword: view.requireResetPassword, memo: view.memo };
}

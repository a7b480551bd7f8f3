import type { EntryMeta } from '@/lib/net/allowlist-entries';
import { infoText, type EntryInfoMap } from '@/app/admin/_components/entry-info';

/** What the mailbox form edits: the fields' values, and the stored values they were based on. */
export interface MailboxSettings {
  allowNets: string;
  /** Labels and expiry of the entries, by entry (form text). */
  entryInfo: EntryInfoMap;
  allowNetsMode: 'enforce' | 'monitor';
  requireResetPassword: boolean;
  active: boolean;
  memo: string;
}

/** The stored mailbox as form values (an unrestricted mailbox is an empty field). */
export function settingsOf(view: { allowNets: string | null; allowNetsMeta: EntryMeta | null; allowNetsMode: 'enforce' | 'monitor'; requireResetPassword: boolean; active: boolean; memo: string }): MailboxSettings {
  return { allowNets: view.allowNets ?? '', entryInfo: infoText(view.allowNetsMeta), allowNetsMode: view.allowNetsMode, requireResetPassword: view.requireResetPassword, active: view.active, memo: view.memo };
}

import type { EntryMeta } from '@/lib/net/allowlist-entries';
import { infoForCanonical, infoText, type EntryInfoMap } from '@/app/admin/_components/entry-info';
import { textDigest } from '@/app/admin/_components/form-digest';

/** What the mailbox form edits: the fields' values. */
export interface MailboxSettings {
  allowNets: string;
  /** Labels and expiry of the entries, by entry (form text). */
  entryInfo: EntryInfoMap;
  allowNetsMode: 'enforce' | 'monitor';
  requireResetPassword: boolean;
  memo: string;
}

/**
 * The stored values a form was based on, as the form carries them: the list and its labels as fingerprints
 * (a long list is not sent a second time in hidden fields), the small fields as they are.
 */
export interface StoredSettings {
  /** Fingerprint of the stored list's canonical text ('' = no restriction). */
  listDigest: string;
  /** Fingerprint of the labels and expiry of the entries whose rows the form shows. */
  infoDigest: string;
  allowNetsMode: 'enforce' | 'monitor';
  requireResetPassword: boolean;
  memo: string;
}

/** How many entry rows (label, expiry) the mailbox page renders before "Show all". */
export const ENTRY_ROWS_SHOWN = 100;

/**
 * The stored side of settings as the form carries it. The stored list is canonical, so its labels'
 * fingerprint equals that of `infoForDraft` (what the action computes for the submitted draft).
 */
export function storedOf(settings: MailboxSettings): StoredSettings {
  return {
    listDigest: textDigest(settings.allowNets),
    infoDigest: textDigest(JSON.stringify(infoForCanonical(settings.allowNets, settings.entryInfo))),
    allowNetsMode: settings.allowNetsMode,
    requireResetPassword: settings.requireResetPassword,
    memo: settings.memo,
  };
}

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

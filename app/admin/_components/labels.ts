import type { BulkActionKind } from '@/lib/mailboxes/bulk';
import type { MailboxChange } from '@/lib/mailboxes/service';
import { entryInfoChanges } from '@/lib/audit-sentence';
import type { Phrase } from '@/lib/time-format';
import { createTranslator } from 'next-intl';
import { catalogue } from '@/lib/i18n/catalogues';
import type { Locale } from '@/lib/i18n/locales';

/** Wording shared by the admin pages (server and client components). */
export { signInResult, SIGN_IN_RESULTS } from '@/app/_components/labels';

const onOff = (v: unknown) => (v ? 'on' : 'off');

/**
 * The lines of "Saved: …" for one change (from updateMailbox's `changes`): what was set, labels and expiry
 * entry by entry (times as instants, shown in the viewer's zone); never shows a password.
 */
export function describeChange(change: MailboxChange): Phrase[] {
  if (change.field === 'allow_nets') {
    const entries = entryInfoChanges(change.oldMeta ?? null, change.newMeta ?? null, change.new).map((line): Phrase => ['Allowed networks, ', ...line]);
    return change.old === change.new ? entries : [[`Allowed networks: ${change.old ?? 'no restriction'} → ${change.new ?? 'no restriction'}`], ...entries];
  }
  return [[describeSetting(change)]];
}

function describeSetting(change: MailboxChange): string {
  switch (change.field) {
    case 'allow_nets':
      return 'Allowed networks changed';
    case 'allow_nets_mode':
      return `Network list mode: ${change.old} → ${change.new}${change.new === 'monitor' ? ' (refusals are only recorded, not enforced)' : ''}`;
    case 'require_reset_password':
      return `Force password change at next login: ${onOff(change.old)} → ${onOff(change.new)}${change.new ? ' (open sessions were ended)' : ''}`;
    case 'active':
      return `Active: ${change.old ? 'yes' : 'no'} → ${change.new ? 'yes' : 'no'}${change.new ? '' : ' (open sessions were ended)'}`;
    case 'memo':
      return 'Memo updated';
    case 'password':
      return 'New password set (open sessions were ended)';
  }
}

/** The bulk change's words in a language (catalogue namespace 'BulkChange'). */
const bulkWords = (locale: Locale) => createTranslator({ locale, messages: catalogue(locale), namespace: 'BulkChange' });

/** The confirmation question for a bulk plan, in the reader's language. */
export function bulkQuestion(action: BulkActionKind, allowNets: string | null, count: number, locale: Locale = 'en'): string {
  const t = bulkWords(locale);
  const nets = allowNets ?? '';
  switch (action) {
    case 'replace_nets':
      return t('replaceNets', { count, allowNets: nets });
    case 'add_nets':
      return t('addNets', { count, allowNets: nets });
    case 'remove_restriction':
      return t('removeRestriction', { count });
    case 'force_reset':
      return t('forceReset', { count });
    case 'cancel_reset':
      return t('cancelReset', { count });
    case 'mode_monitor':
      return t('modeMonitor', { count });
    case 'mode_enforce':
      return t('modeEnforce', { count });
  }
}

/** The result summary of a bulk change, in the reader's language. */
export function bulkSummary(result: { changed: number; unchanged: number; skippedUnrestricted: number }, locale: Locale = 'en'): string {
  const t = bulkWords(locale);
  const parts = [t('changed', { count: result.changed })];
  if (result.unchanged) parts.push(t('unchanged', { count: result.unchanged }));
  if (result.skippedUnrestricted) parts.push(t('skipped', { count: result.skippedUnrestricted }));
  return t('done', { parts: parts.join(', ') });
}

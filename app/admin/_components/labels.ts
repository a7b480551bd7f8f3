import type { BulkActionKind } from '@/lib/mailboxes/bulk';
import type { MailboxChange } from '@/lib/mailboxes/service';
import { entryInfoChanges } from '@/lib/audit-sentence';
import type { Phrase } from '@/lib/time-format';
import { createTranslator } from 'next-intl';
import { catalogue } from '@/lib/i18n/catalogues';
import type { Locale } from '@/lib/i18n/locales';

/** Wording shared by the admin pages (server and client components). */
export { signInResult, SIGN_IN_RESULTS } from '@/app/_components/labels';

/**
 * The lines of "Saved: …" for one change (from updateMailbox's `changes`), in the reader's language: what was
 * set, labels and expiry entry by entry (times as instants, shown in the viewer's zone); never shows a password.
 * The entry-by-entry lines are the audit log's (lib/audit-sentence.ts), in the same language.
 */
export function describeChange(change: MailboxChange, locale: Locale = 'en'): Phrase[] {
  const t = createTranslator({ locale, messages: catalogue(locale), namespace: 'SavedChange' });
  if (change.field === 'allow_nets') {
    const entries = entryInfoChanges(change.oldMeta ?? null, change.newMeta ?? null, change.new, locale).map((line): Phrase => [t('entryPrefix'), ...line]);
    const list = (v: unknown) => (v === null || v === undefined ? t('noRestriction') : String(v));
    return change.old === change.new ? entries : [[t('allowNets', { old: list(change.old), new: list(change.new) })], ...entries];
  }
  const onOff = (v: unknown) => (v ? t('on') : t('off'));
  const yesNo = (v: unknown) => (v ? t('yes') : t('no'));
  const mode = (v: unknown) => (v === 'monitor' ? t('monitor') : v === 'enforce' ? t('enforce') : String(v));
  switch (change.field) {
    case 'allow_nets_mode':
      return [[t(change.new === 'monitor' ? 'modeToMonitor' : 'mode', { old: mode(change.old), new: mode(change.new) })]];
    case 'require_reset_password':
      return [[t(change.new ? 'forceResetOn' : 'forceReset', { old: onOff(change.old), new: onOff(change.new) })]];
    case 'active':
      return [[t(change.new ? 'active' : 'deactivated', { old: yesNo(change.old), new: yesNo(change.new) })]];
    case 'memo':
      return [[t('memo')]];
    case 'password':
      return [[t('password')]];
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

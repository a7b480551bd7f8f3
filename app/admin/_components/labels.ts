import type { BulkActionKind } from '@/lib/mailboxes/bulk';
import type { MailboxChange } from '@/lib/mailboxes/service';
import { entryInfoChanges } from '@/lib/audit-sentence';
import type { Phrase } from '@/lib/time-format';

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

const mailboxCount = (n: number) => `${n.toLocaleString('en-US')} mailbox${n === 1 ? '' : 'es'}`;

/** The confirmation question for a bulk plan. */
export function bulkQuestion(action: BulkActionKind, allowNets: string | null, count: number): string {
  const n = mailboxCount(count);
  switch (action) {
    case 'replace_nets':
      return `Replace the allowed networks of ${n} with ${allowNets}? Open sessions from other addresses end at their next request.`;
    case 'add_nets':
      return `Add ${allowNets} to the allowed networks of ${n}? Mailboxes without a restriction stay unrestricted.`;
    case 'remove_restriction':
      return `Remove the network restriction of ${n}? They can then sign in from any network.`;
    case 'force_reset':
      return `Force a password change at the next login for ${n}? Their open sessions end at once.`;
    case 'cancel_reset':
      return `Cancel the pending password change of ${n}?`;
    case 'mode_monitor':
      return `Switch ${n} to monitor mode? Their lists are then only evaluated: sign-ins they would refuse go through and are recorded.`;
    case 'mode_enforce':
      return `Switch ${n} to enforce mode? Their lists then refuse sign-ins and end open sessions from other networks at their next request.`;
  }
}

/** The result summary of a bulk change. */
export function bulkSummary(result: { changed: number; unchanged: number; skippedUnrestricted: number }): string {
  const parts = [`${mailboxCount(result.changed)} changed`];
  if (result.unchanged) parts.push(`${mailboxCount(result.unchanged)} already as requested`);
  if (result.skippedUnrestricted) parts.push(`${mailboxCount(result.skippedUnrestricted)} without a restriction left unrestricted`);
  return `Done: ${parts.join(', ')}.`;
}

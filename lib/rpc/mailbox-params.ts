import 'server-only';
import { allowNetsEntryRowsSchema, mailboxPatchSchema, type MailboxPatchInput } from '@/lib/mailboxes/schemas';

const fields = mailboxPatchSchema.shape;

/**
 * The mailbox settings `mail.add` and `mail.set` share, spelled as on the wire (mailbox.org's snake_case)
 * over the shared schema's fields, so the API validates exactly like the admin area and the CLI.
 */
export const mailboxSettingParams = {
  allow_nets: fields.allowNets,
  // The rows' shape here; the domain service turns them into the stored list (same shared schema module).
  allow_nets_entries: allowNetsEntryRowsSchema.optional(),
  allow_nets_mode: fields.allowNetsMode,
  require_reset_password: fields.requireResetPassword,
  active: fields.active,
  memo: fields.memo,
};

/** The settings in the domain service's spelling; absent parameters stay absent (unchanged). */
export function mailboxSettings(params: {
  allow_nets?: string | null;
  allow_nets_entries?: MailboxPatchInput['allowNetsEntries'];
  allow_nets_mode?: 'enforce' | 'monitor';
  require_reset_password?: boolean;
  active?: boolean;
  memo?: string;
}) {
  return { allowNets: params.allow_nets, allowNetsEntries: params.allow_nets_entries, allowNetsMode: params.allow_nets_mode, requireResetPassword: params.require_reset_password, active: params.active, memo: params.memo };
}

import { z } from 'zod';

/**
 * One schema for a change of an account's policies for mailboxes (spec §20/§21): the /admin/security form and
 * `account.policy.set`. Each policy is one optional field; only the given ones change.
 */
export const accountPolicyPatchSchema = z.strictObject({
  // "Mail apps must use app passwords": the account password is refused on IMAP/POP3/SMTP.
  require_app_passwords: z.boolean({ error: 'must be true or false' }).optional(),
});

export type AccountPolicyPatch = z.input<typeof accountPolicyPatchSchema>;

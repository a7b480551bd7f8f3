import { z } from 'zod';

/**
 * The account policies for mailboxes (spec §20/§21) as the API names them: one entry per policy, used by
 * `account.policy.set` and the "Policies for mailboxes" form on /admin/security alike. Every field is
 * optional (a patch); unknown fields are refused.
 */
export const accountPolicyPatchSchema = z
  .object({
    // "Require two-factor for mailboxes" (spec §20; the column require_mailbox_two_factor).
    require_two_factor: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict();

export type AccountPolicyPatch = z.output<typeof accountPolicyPatchSchema>;

import { z } from 'zod';

/*
 * The account policies for mailboxes (spec §20/§21), as `account.policy.set` and the "Policies for
 * mailboxes" form on /admin/security send them: one entry per policy, absent = unchanged, unknown fields
 * refused.
 */

/** The longest password age a policy may set (ten years): anything longer is "off" in all but name. */
export const MAX_PASSWORD_MAX_AGE_DAYS = 3650;

export const accountPolicyPatchSchema = z.strictObject({
  // "Passwords expire after N days" (§21 routine check): a whole number of days, or null = off.
  password_max_age_days: z
    .number({ error: 'must be a whole number of days, or null for off' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(MAX_PASSWORD_MAX_AGE_DAYS, `must be at most ${MAX_PASSWORD_MAX_AGE_DAYS} days`)
    .nullable()
    .optional(),
  // "Mail apps must use app passwords" (§20): the account password is refused on IMAP/POP3/SMTP.
  require_app_passwords: z.boolean({ error: 'must be true or false' }).optional(),
  // "Require two-factor for mailboxes" (§20; the column require_mailbox_two_factor — the column
  // require_two_factor is the admins' policy of §14).
  require_two_factor: z.boolean({ error: 'must be true or false' }).optional(),
});

export type AccountPolicyPatch = z.input<typeof accountPolicyPatchSchema>;

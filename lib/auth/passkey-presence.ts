import { sql } from 'drizzle-orm';

/**
 * "This admin has at least one passkey", as a column of any select from `admins`: one indexed probe of
 * admin_passkeys (admin_passkeys_admin_idx). A passkey is a second factor like TOTP (spec §14), so every
 * place that asks "has two-factor?" combines this with `admins.totp_enabled_at`.
 *
 * Written with table-qualified names on purpose: drizzle renders `${admins.id}` unqualified in a select
 * from one table, and inside this subquery a bare "id" would be admin_passkeys.id.
 */
export const hasPasskey = sql<boolean>`exists (select 1 from "admin_passkeys" where "admin_passkeys"."admin_id" = "admins"."id")`.mapWith(Boolean);

/**
 * "This mailbox has at least one passkey", as a column of any select from `mailboxes` (spec §20): one indexed
 * probe of mailbox_passkeys (mailbox_passkeys_mailbox_idx). With `mailboxes.totp_enabled_at` it makes the
 * mailbox's "two-factor on" (lib/auth/mailbox-two-factor.ts). Table-qualified for the same reason as above.
 */
export const hasMailboxPasskey = sql<boolean>`exists (select 1 from "mailbox_passkeys" where "mailbox_passkeys"."mailbox_id" = "mailboxes"."id")`.mapWith(Boolean);

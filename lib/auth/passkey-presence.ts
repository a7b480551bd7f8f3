import { sql } from 'drizzle-orm';
import { adminPasskeys, admins } from '@/db/schema';

/**
 * "This admin has at least one passkey", as a column of any select from `admins`: one indexed probe of
 * admin_passkeys (admin_passkeys_admin_idx). A passkey is a second factor like TOTP (spec §14), so every
 * place that asks "has two-factor?" combines this with `admins.totp_enabled_at`.
 */
export const hasPasskey = sql<boolean>`exists (select 1 from ${adminPasskeys} where ${adminPasskeys.adminId} = ${admins.id})`.mapWith(Boolean);

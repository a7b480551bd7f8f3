import 'server-only';
import { and, eq } from 'drizzle-orm';
import { accounts, adminApiKeys, admins } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAggregatedAudit, recordAudit, type AuditContext } from '@/lib/audit';
import { hashApiKey } from '@/lib/auth/api-key';
import { plainListAllows } from '@/lib/net/allowlist';
import { hasPasskey } from '@/lib/auth/passkey-presence';
import { admitPastAddressCaps, signInThrottle } from '@/lib/session/sign-in';
import { beginAttempt } from '@/lib/auth/throttle';

/** Signing in with an admin API key (spec §14); the key's own format is lib/auth/api-key.ts. */

export interface KeySignedInAdmin {
  id: number;
  email: string;
  accountId: number;
  sessionVersion: number;
  apiKeyId: number;
}

export type ApiKeySignInResult = { ok: true; admin: KeySignedInAdmin } | { ok: false; reason: 'failed' } | { ok: false; reason: 'throttled'; retryAfterMinutes: number };

/** Why a key no longer admits a request (or null): revoked, expired, or the client outside its list. */
export function apiKeyProblem(key: { revokedAt: Date | null; expiresAt: Date | null; allowNets: string | null }, address: string | null, now: number): string | null {
  if (key.revokedAt) return 'api_key_revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now) return 'api_key_expired';
  if (!plainListAllows(key.allowNets, address)) return 'api_key_network_not_allowed';
  return null;
}

/**
 * `auth` with an API key: the key must belong to the named admin, be neither revoked nor expired, and both
 * the key's and the admin's allowed networks must admit the client. Counted in the same buckets as
 * password attempts; one generic failure; every use (and refusal) audited.
 */
export async function verifyAdminApiKey(input: { email: string; key: string; context: AuditContext & { clientIp: string | null } }, now = Date.now()): Promise<ApiKeySignInResult> {
  const { email, key, context } = input;
  const address = context.clientIp;
  // The buckets of every sign-in of this address (lib/session/sign-in.ts), whatever the password's shape, so that
  // keys tried before limit passwords after alike for admins, mailboxes and unknown addresses.
  const throttle = { ...signInThrottle(email, address), now };
  // The office rule as for passwords; a key has no list of its own to ask, only the known network counts.
  const { attempt, held } = await admitPastAddressCaps(throttle, await beginAttempt(throttle), () => false);
  if (attempt.limited) {
    await recordAggregatedAudit(context, { event: 'admin_login_failed', detail: { admin: email, reason: 'throttled' } }, attempt.bucket, now);
    return { ok: false, reason: 'throttled', retryAfterMinutes: attempt.retryAfterMinutes };
  }
  const [row] = await getDb()
    .select({
      keyId: adminApiKeys.id,
      label: adminApiKeys.label,
      revokedAt: adminApiKeys.revokedAt,
      expiresAt: adminApiKeys.expiresAt,
      keyNets: adminApiKeys.allowNets,
      adminId: admins.id,
      email: admins.email,
      accountId: admins.accountId,
      sessionVersion: admins.sessionVersion,
      active: admins.active,
      adminNets: admins.allowNets,
      totpEnabledAt: admins.totpEnabledAt,
      hasPasskey,
      requireTwoFactor: accounts.requireTwoFactor,
    })
    .from(adminApiKeys)
    .innerJoin(admins, eq(admins.id, adminApiKeys.adminId))
    .innerJoin(accounts, eq(accounts.id, admins.accountId))
    .where(and(eq(adminApiKeys.keyHash, hashApiKey(key)), eq(admins.email, email)));
  let reason: string | null = null;
  if (!row) reason = 'api_key_unknown';
  else if (!row.active) reason = 'inactive';
  else if (!plainListAllows(row.adminNets, address)) reason = 'network_not_allowed';
  else if (row.requireTwoFactor && row.totpEnabledAt === null && !row.hasPasskey) reason = 'two_factor_required';
  else reason = apiKeyProblem({ revokedAt: row.revokedAt, expiresAt: row.expiresAt, allowNets: row.keyNets }, address, now);
  if (reason || !row) {
    // The attempt stays counted.
    await recordAudit(getDb(), context, { event: 'admin_login_failed', accountId: row?.accountId ?? null, detail: { admin: email, reason, ...(row ? { key: row.label, key_id: row.keyId } : {}), ...(held ? { pastAddressCap: true } : {}) } });
    if (held) return { ok: false, reason: 'throttled', retryAfterMinutes: held.retryAfterMinutes };
    return { ok: false, reason: 'failed' };
  }
  await attempt.succeeded();
  await transaction(async (tx) => {
    await tx.update(adminApiKeys).set({ lastUsedAt: new Date(now), lastUsedIp: address }).where(eq(adminApiKeys.id, row.keyId));
    await tx.update(admins).set({ lastLoginAt: new Date(now), lastLoginIp: address }).where(eq(admins.id, row.adminId));
    await recordAudit(tx, context, { event: 'api_key_used', accountId: row.accountId, detail: { admin: row.email, key: row.label, key_id: row.keyId } });
  });
  return { ok: true, admin: { id: row.adminId, email: row.email, accountId: row.accountId, sessionVersion: row.sessionVersion, apiKeyId: row.keyId } };
}

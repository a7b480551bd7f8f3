import 'server-only';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { adminApiKeys, apiSessions } from '@/db/schema';
import { getDb, transaction, type Tx } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { newApiKey } from '@/lib/auth/api-key';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { parseAllowNets, describeErrors } from '@/lib/net/allowlist';
import { parseOrThrow } from '@/lib/validation';
import { requireRecentReauth, type StepSession } from './reauth';
import { problem } from '@/lib/service-problems';

/** An admin's API keys (spec §14): created on /admin/security, shown once, revocable, listed with last use. */

export const MAX_API_KEYS_PER_ADMIN = 20;

/** One schema for the form (and any future API/CLI): label, optional expiry date, optional networks. */
export const apiKeyCreateSchema = z.object({
  label: z.string({ error: 'is required' }).trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  // A date (YYYY-MM-DD): the key works until the end of that day, UTC. Empty = no expiry.
  expires: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      const at = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1) : NaN;
      if (!m || Number.isNaN(at) || new Date(at - 1).toISOString().slice(0, 10) !== v) {
        ctx.addIssue({ code: 'custom', message: 'must be a date such as 2027-01-31' });
        return z.NEVER;
      }
      if (at <= Date.now()) {
        ctx.addIssue({ code: 'custom', message: 'must be today or later' });
        return z.NEVER;
      }
      return new Date(at);
    }),
  allowNets: z
    .string()
    .max(64 * 1024, 'must be at most 64 KiB')
    .optional()
    .transform((v, ctx) => {
      const parsed = parseAllowNets(v ?? '');
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: describeErrors(parsed.errors), params: { errors: parsed.errors } });
        return z.NEVER;
      }
      return parsed.canonical;
    }),
});

export interface ApiKeyView {
  id: number;
  label: string;
  allowNets: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  createdAt: Date;
  status: 'active' | 'expired' | 'revoked';
}

type Owner = { id: number; email: string; accountId: number };

/**
 * Creates a key; returns it in clear (the only time) with its view. A sensitive step: the admin must have
 * proved their password (and second factor) in `session` within the last 5 minutes (lib/admins/reauth.ts).
 */
export async function createApiKey(admin: Owner, input: z.input<typeof apiKeyCreateSchema>, ctx: AuditContext, session: StepSession | null): Promise<{ key: string; id: number }> {
  await requireRecentReauth(session);
  const data = parseOrThrow(apiKeyCreateSchema, input);
  const live = await getDb().select({ id: adminApiKeys.id }).from(adminApiKeys).where(and(eq(adminApiKeys.adminId, admin.id), isNull(adminApiKeys.revokedAt)));
  if (live.length >= MAX_API_KEYS_PER_ADMIN) throw new ValidationError('label', problem('api_keys_max', { max: MAX_API_KEYS_PER_ADMIN }));
  const { key, hash } = newApiKey();
  const id = await transaction(async (tx) => {
    const [row] = await tx
      .insert(adminApiKeys)
      .values({ adminId: admin.id, accountId: admin.accountId, label: data.label, keyHash: hash, allowNets: data.allowNets, expiresAt: data.expires })
      .returning({ id: adminApiKeys.id });
    await recordAudit(tx, ctx, { event: 'api_key_created', accountId: admin.accountId, detail: { admin: admin.email, key: data.label, key_id: row!.id, expires_at: data.expires?.toISOString() ?? null, allow_nets: data.allowNets } });
    return row!.id;
  });
  return { key, id };
}

/** The admin's keys, newest first (revoked ones too, marked). */
export async function listApiKeys(adminId: number, now = Date.now()): Promise<ApiKeyView[]> {
  const rows = await getDb()
    .select({
      id: adminApiKeys.id,
      label: adminApiKeys.label,
      allowNets: adminApiKeys.allowNets,
      expiresAt: adminApiKeys.expiresAt,
      revokedAt: adminApiKeys.revokedAt,
      lastUsedAt: adminApiKeys.lastUsedAt,
      lastUsedIp: adminApiKeys.lastUsedIp,
      createdAt: adminApiKeys.createdAt,
    })
    .from(adminApiKeys)
    .where(eq(adminApiKeys.adminId, adminId))
    .orderBy(desc(adminApiKeys.id));
  return rows.map((k) => ({ ...k, status: k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt.getTime() <= now ? 'expired' : 'active' }));
}

/** Revokes one of the admin's own keys; the sessions opened with it end at once. */
export async function revokeApiKey(admin: Owner, id: number, ctx: AuditContext): Promise<void> {
  await transaction(async (tx) => {
    const rows = await tx
      .update(adminApiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(adminApiKeys.id, id), eq(adminApiKeys.adminId, admin.id), isNull(adminApiKeys.revokedAt)))
      .returning({ label: adminApiKeys.label });
    if (!rows[0]) throw new NotFoundError('API key not found');
    await tx.delete(apiSessions).where(eq(apiSessions.apiKeyId, id));
    await recordAudit(tx, ctx, { event: 'api_key_revoked', accountId: admin.accountId, detail: { admin: admin.email, key: rows[0].label, key_id: id } });
  });
}

/** Why every key of an admin was revoked at once (the audit detail's `reason`). */
export type KeysRevokedReason = 'password_set' | 'two_factor_reset' | 'password_changed' | 'signed_out_everywhere';

/**
 * Recovery ends standing credentials (spec §23): the operator's password set or two-factor reset, a
 * colleague's two-factor reset, the admin's own password change and "sign out everywhere (else)" revoke
 * every live key of the admin, inside the caller's transaction, and end the API sessions opened with them.
 * A key outlives nothing the admin does to take their account back: whoever stole a session or a password
 * may have minted one. Audited `api_keys_revoked` with the count (when there was any).
 */
export async function revokeAllApiKeys(tx: Tx, admin: Owner, reason: KeysRevokedReason, ctx: AuditContext): Promise<number> {
  const revoked = await tx
    .update(adminApiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(adminApiKeys.adminId, admin.id), isNull(adminApiKeys.revokedAt)))
    .returning({ id: adminApiKeys.id });
  if (revoked.length === 0) return 0;
  await tx.delete(apiSessions).where(inArray(apiSessions.apiKeyId, revoked.map((k) => k.id)));
  await recordAudit(tx, ctx, { event: 'api_keys_revoked', accountId: admin.accountId, detail: { admin: admin.email, count: revoked.length, reason } });
  return revoked.length;
}

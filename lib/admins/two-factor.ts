import 'server-only';
import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { accounts, adminPasskeys, adminRecoveryCodes, admins } from '@/db/schema';
import { getDb, transaction, type Tx } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { revokeAllApiKeys } from './api-keys';
import { seal, unseal } from '@/lib/auth/secret-box';
import { hashRecoveryCode, newRecoveryCodes, SECOND_FACTOR_POLICY, SECOND_FACTOR_REALM, TOTP_SECRET_PURPOSE } from '@/lib/auth/second-factor';
import { recoveryCodesLeft } from '@/lib/second-factor/verify';
import { beginAttempt } from '@/lib/auth/throttle';
import { hasPasskey } from '@/lib/auth/passkey-presence';
import { newTotpSecret, totpStep, totpUri } from '@/lib/auth/totp';
import { endSubjectSessions } from '@/lib/session-rows';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { problem } from '@/lib/service-problems';
import { emailSchema } from '@/lib/accounts/schemas';
import { tenantCondition, type Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { requireRecentReauth, type StepSession } from './reauth';

/**
 * Two-factor management for admins (spec §14): TOTP enrolment and removal, recovery codes, the operator's
 * and other admins' reset, and the account policy. The sign-in check itself is lib/auth/second-factor.ts.
 */

export { RECOVERY_CODE_COUNT } from '@/lib/auth/second-factor';

export interface TwoFactorSummary {
  totpEnabled: boolean;
  totpEnabledAt: Date | null;
  /** A secret is waiting for its first correct code. */
  setupPending: boolean;
  recoveryCodesLeft: number;
  /** Passkeys count as two-factor too (lib/admins/passkeys.ts). */
  hasPasskey: boolean;
  accountRequiresTwoFactor: boolean;
}

/** What /admin/security shows about the admin's own second factor. */
export async function twoFactorSummary(adminId: number): Promise<TwoFactorSummary> {
  const [row] = await getDb()
    .select({ enabledAt: admins.totpEnabledAt, pending: admins.totpPendingSecret, required: accounts.requireTwoFactor, hasPasskey })
    .from(admins)
    .innerJoin(accounts, eq(accounts.id, admins.accountId))
    .where(eq(admins.id, adminId));
  if (!row) throw new NotFoundError('Admin not found');
  return {
    totpEnabled: row.enabledAt !== null,
    totpEnabledAt: row.enabledAt,
    setupPending: row.pending !== null,
    recoveryCodesLeft: await recoveryCodesLeft(adminId),
    hasPasskey: row.hasPasskey,
    accountRequiresTwoFactor: row.required,
  };
}

/** Starts (or restarts) TOTP setup: a fresh secret, kept encrypted until a correct code confirms it. */
export async function beginTotpSetup(adminId: number): Promise<void> {
  await getDb().update(admins).set({ totpPendingSecret: seal(newTotpSecret(), TOTP_SECRET_PURPOSE) }).where(eq(admins.id, adminId));
}

export interface TotpSetupView {
  /** Base32, grouped by 4 for reading. */
  secret: string;
  uri: string;
  /** The QR code of `uri` as an SVG document. */
  qrSvg: string;
}

/** The secret being set up, as text, otpauth:// URI and QR code; null when no setup is pending. */
export async function totpSetupView(admin: { id: number; email: string }): Promise<TotpSetupView | null> {
  const [row] = await getDb().select({ pending: admins.totpPendingSecret }).from(admins).where(eq(admins.id, admin.id));
  const secret = row?.pending ? unseal(row.pending, TOTP_SECRET_PURPOSE) : null;
  if (!secret) return null;
  const uri = totpUri(secret, admin.email);
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret: secret.replace(/(.{4})(?=.)/g, '$1 '), uri, qrSvg };
}

async function replaceRecoveryCodes(db: Tx, adminId: number): Promise<string[]> {
  const codes = newRecoveryCodes();
  await db.delete(adminRecoveryCodes).where(eq(adminRecoveryCodes.adminId, adminId));
  await db.insert(adminRecoveryCodes).values(codes.map((code) => ({ adminId, codeHash: hashRecoveryCode(code) })));
  return codes;
}

type Actor = { id: number; email: string; accountId: number };

/**
 * Confirms the pending secret with a code from the app: only then is TOTP enabled. Returns the 10 new
 * recovery codes, the only time they exist in clear. Wrong codes are throttled like sign-in codes.
 */
export async function confirmTotpSetup(admin: Actor, code: string, ctx: AuditContext & { clientIp: string | null }, now = Date.now()): Promise<{ recoveryCodes: string[] }> {
  const [row] = await getDb().select({ pending: admins.totpPendingSecret }).from(admins).where(eq(admins.id, admin.id));
  const secret = row?.pending ? unseal(row.pending, TOTP_SECRET_PURPOSE) : null;
  if (!secret) throw new ValidationError('code', problem('totp_no_setup'));
  if (code.length > 64) throw new ValidationError('code', problem('totp_six_digits'));
  const attempt = await beginAttempt({ realm: SECOND_FACTOR_REALM, subject: String(admin.id), address: ctx.clientIp, policy: SECOND_FACTOR_POLICY, now });
  if (attempt.limited) throw new ValidationError('code', problem('too_many_attempts', { minutes: attempt.retryAfterMinutes }));
  const step = totpStep(secret, code, now);
  if (step === null) throw new ValidationError('code', problem('totp_wrong_code'));
  await attempt.succeeded();
  // The confirming code's step counts as used: it cannot be replayed at the next sign-in. The pending
  // secret must still be the one checked (a concurrent restart would have replaced it). Enabling, the codes
  // and the audit row are one change.
  const recoveryCodes = await transaction(async (tx) => {
    const enabled = await tx
      .update(admins)
      .set({ totpSecret: row!.pending, totpPendingSecret: null, totpEnabledAt: new Date(now), totpLastStep: step, updatedAt: new Date(now) })
      .where(and(eq(admins.id, admin.id), eq(admins.totpPendingSecret, row!.pending!)))
      .returning({ id: admins.id });
    if (enabled.length !== 1) throw new ValidationError('code', problem('totp_restarted'));
    const codes = await replaceRecoveryCodes(tx, admin.id);
    await recordAudit(tx, ctx, { event: 'admin_two_factor_enabled', accountId: admin.accountId, detail: { admin: admin.email, method: 'totp' } });
    return codes;
  });
  return { recoveryCodes };
}

/** New recovery codes (the old ones stop working), shown once. A sensitive step (lib/admins/reauth.ts). */
export async function regenerateRecoveryCodes(admin: Actor, session: StepSession | null, ctx: AuditContext): Promise<string[]> {
  await requireRecentReauth(session);
  const [row] = await getDb().select({ enabledAt: admins.totpEnabledAt }).from(admins).where(eq(admins.id, admin.id));
  if (!row?.enabledAt) throw new ValidationError('twoFactor', problem('two_factor_not_set_up'));
  return transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, admin.id);
    await recordAudit(tx, ctx, { event: 'admin_recovery_codes_regenerated', accountId: admin.accountId, detail: { admin: admin.email } });
    return codes;
  });
}

async function clearTwoFactor(db: Tx, adminId: number): Promise<void> {
  await db.update(admins).set({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: new Date() }).where(eq(admins.id, adminId));
  await db.delete(adminRecoveryCodes).where(eq(adminRecoveryCodes.adminId, adminId));
}

async function accountRequires(accountId: number): Promise<boolean> {
  const [row] = await getDb().select({ required: accounts.requireTwoFactor }).from(accounts).where(eq(accounts.id, accountId));
  return row?.required ?? false;
}

/** Whether the admin has at least one passkey (then TOTP is not their last second factor). */
async function passkeyPresent(adminId: number): Promise<boolean> {
  const [row] = await getDb().select({ hasPasskey }).from(admins).where(eq(admins.id, adminId));
  return row?.hasPasskey ?? false;
}

/**
 * Turns the admin's own authenticator app off (passkeys stay). A sensitive step: the admin must have proved
 * their password and second factor in `session` within the last 5 minutes (lib/admins/reauth.ts), so that an
 * unattended open session alone cannot weaken the account. Refused while the account requires two-factor and
 * no passkey would remain.
 */
export async function disableOwnTwoFactor(admin: Actor, session: StepSession | null, ctx: AuditContext): Promise<void> {
  await requireRecentReauth(session);
  if ((await accountRequires(admin.accountId)) && !(await passkeyPresent(admin.id))) {
    throw new ForbiddenError(problem('admin_two_factor_required'));
  }
  await transaction(async (tx) => {
    await clearTwoFactor(tx, admin.id);
    await recordAudit(tx, ctx, { event: 'admin_two_factor_disabled', accountId: admin.accountId, detail: { admin: admin.email } });
  });
}

/**
 * Resets another admin's two-factor (a colleague who lost their device) or, from the CLI, any admin's. The
 * admin's sessions end and their API keys are revoked; at the next sign-in they set it up again if the
 * account requires it.
 */
export async function resetAdminTwoFactor(scope: Scope, email: string, ctx: AuditContext, actorAdminId: number | null = null): Promise<{ id: number }> {
  const address = parseOrThrow(emailSchema, email);
  const [target] = await getDb()
    .select({ id: admins.id, email: admins.email, accountId: admins.accountId })
    .from(admins)
    .where(and(eq(admins.email, address), tenantCondition(scope, admins.accountId)));
  // Another account's admin is "not found", exactly like a missing one.
  if (!target) throw new NotFoundError(problem('admin_not_found', { address }));
  if (target.id === actorAdminId) throw new ForbiddenError(problem('admin_reset_own'));
  await transaction(async (tx) => {
    await clearTwoFactor(tx, target.id);
    // A reset removes every second factor: passkeys too (a lost device may hold one).
    await tx.delete(adminPasskeys).where(eq(adminPasskeys.adminId, target.id));
    await endSubjectSessions(tx, 'admin', target.id);
    await recordAudit(tx, ctx, { event: 'admin_two_factor_reset', accountId: target.accountId, detail: { admin: target.email } });
    // A lost device is a recovery: a key minted by whoever holds it must not outlive the reset.
    await revokeAllApiKeys(tx, target, 'two_factor_reset', ctx);
  });
  return { id: target.id };
}

/**
 * The account policy "Require two-factor for every admin of this account". Turning it on needs the acting
 * admin to have two-factor already, so that nobody confines themself by surprise.
 */
export async function setRequireTwoFactor(admin: Actor, required: boolean, ctx: AuditContext): Promise<boolean> {
  if (required) {
    const [row] = await getDb().select({ enabledAt: admins.totpEnabledAt, hasPasskey }).from(admins).where(eq(admins.id, admin.id));
    if (!row?.enabledAt && !row?.hasPasskey) throw new ValidationError('requireTwoFactor', problem('admin_require_self_first'));
  }
  return transaction(async (tx) => {
    const changed = await tx
      .update(accounts)
      .set({ requireTwoFactor: required })
      .where(and(eq(accounts.id, admin.accountId), eq(accounts.requireTwoFactor, !required)))
      .returning({ id: accounts.id });
    if (changed.length) await recordAudit(tx, ctx, { event: 'account_two_factor_policy_changed', accountId: admin.accountId, detail: { admin: admin.email, required } });
    return changed.length > 0;
  });
}

/** Admins of the scope that have two-factor enabled, by id (the admins list's "Two-factor" column). */
export async function twoFactorAdminIds(accountId: number | null): Promise<Set<number>> {
  const rows = await getDb()
    .select({ id: admins.id, enabledAt: admins.totpEnabledAt, hasPasskey })
    .from(admins)
    .where(accountId === null ? undefined : eq(admins.accountId, accountId));
  return new Set(rows.filter((r) => r.enabledAt !== null || r.hasPasskey).map((r) => r.id));
}


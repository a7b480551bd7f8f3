import 'server-only';
import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, admins } from '@/db/schema';
import { getDb, type Tx, transaction } from '@/db';
import { assertAdminAddressFree } from '@/lib/accounts/addresses';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { revokeAllApiKeys } from './api-keys';
import { requireRecentReauth, type StepSession } from './reauth';
import { hashOwnNewPassword, hashPassword } from '@/lib/auth/password';
import { checkPasswordPolicy } from '@/lib/auth/password-policy';
import { endSubjectSessions } from '@/lib/session-rows';
import { env } from '@/lib/env';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { emailSchema } from '@/lib/accounts/schemas';
import { allowNetsSchema } from '@/lib/netsets/list-schemas';
import { plainListAllows } from '@/lib/net/allowlist';
import { hasPasskey } from '@/lib/auth/passkey-presence';
import { tenantCondition, type Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { problem } from '@/lib/service-problems';

/**
 * The domain service for business admins (spec §14): /admin/admins, /admin/security and the operator CLI
 * all change admins through these functions. An account never loses its last active admin.
 */

// Read-then-write transactions take the write lock up front (see lib/mailboxes/service.ts).


export interface AdminView {
  id: number;
  email: string;
  account: string;
  active: boolean;
  allowNets: string | null;
  mustChangePassword: boolean;
  twoFactor: boolean;
  lastLoginAt: Date | null;
  lastLoginIp: string | null;
  createdAt: Date;
}

const viewColumns = {
  id: admins.id,
  email: admins.email,
  account: accounts.name,
  accountId: admins.accountId,
  active: admins.active,
  allowNets: admins.allowNets,
  mustChangePassword: admins.mustChangePassword,
  lastLoginAt: admins.lastLoginAt,
  lastLoginIp: admins.lastLoginIp,
  createdAt: admins.createdAt,
  totpEnabledAt: admins.totpEnabledAt,
  hasPasskey,
};


type Row = { id: number; email: string; account: string; accountId: number; active: boolean; allowNets: string | null; mustChangePassword: boolean; lastLoginAt: Date | null; lastLoginIp: string | null; createdAt: Date; totpEnabledAt: Date | null; hasPasskey: boolean };
function toView(row: Row): AdminView {
  const { id, email, account, active, allowNets, mustChangePassword, lastLoginAt, lastLoginIp, createdAt } = row;
  return { id, email, account, active, allowNets, mustChangePassword, lastLoginAt, lastLoginIp, createdAt, twoFactor: row.totpEnabledAt !== null || row.hasPasskey };
}

async function findRow(conn: ReturnType<typeof getDb> | Tx, scope: Scope, email: string): Promise<Row | undefined> {
  return (await conn.select(viewColumns).from(admins).innerJoin(accounts, eq(accounts.id, admins.accountId)).where(and(eq(admins.email, email), tenantCondition(scope, admins.accountId))).limit(1))[0];
}

async function loadAdmin(conn: ReturnType<typeof getDb> | Tx, scope: Scope, email: string): Promise<Row> {
  const address = parseOrThrow(emailSchema, email);
  const row = await findRow(conn, scope, address);
  // Another account's admin is "not found", exactly like a missing one.
  if (!row) throw new NotFoundError(`Admin ${address} not found`);
  return row;
}

/** The scope's admins (an account's, or every account's for the operator), by account and address. */
export async function listAdmins(scope: Scope, accountName?: string): Promise<AdminView[]> {
  const rows = await getDb()
    .select(viewColumns)
    .from(admins)
    .innerJoin(accounts, eq(accounts.id, admins.accountId))
    .where(and(tenantCondition(scope, admins.accountId), accountName ? eq(accounts.name, accountName.trim()) : undefined))
    .orderBy(asc(accounts.name), asc(admins.email));
  return rows.map(toView);
}

/** One admin of the scope. */
export async function getAdmin(scope: Scope, email: string): Promise<AdminView> {
  return toView(await loadAdmin(getDb(), scope, email));
}

export const adminAddSchema = z.object({
  email: emailSchema,
  password: z.string({ error: 'is required' }).min(1, 'is required').max(1024, 'must be at most 1,024 characters'),
});

function checkNewPassword(password: string, email: string): void {
  const problems = checkPasswordPolicy({ password, email, minLength: env().PASSWORD_MIN_LENGTH, subject: 'admin' });
  if (problems.length) throw new ValidationError('password', `password: ${problems.map((p) => p.message).join(' ')}`, problems);
}

/**
 * Adds an admin with an initial password; they must choose their own at first sign-in. An admin adds to
 * their own account, with an address of one of its domains that no mailbox or admin uses (one refusal for
 * every reason: ADMIN_ADDRESS_REFUSED); the operator names the account and may use any unused address.
 */
export async function addAdmin(scope: Scope, input: z.input<typeof adminAddSchema> & { account?: string }, ctx: AuditContext, session: StepSession | null = null): Promise<AdminView> {
  // A sensitive step for a business admin (lib/admins/reauth.ts); the operator's shell is its own proof.
  if (scope.kind === 'account') await requireRecentReauth(session);
  const data = parseOrThrow(adminAddSchema, input);
  checkNewPassword(data.password, data.email);
  const passwordHash = await hashPassword(data.password);
  const view = await transaction(async (tx) => {
    let accountId: number;
    if (scope.kind === 'account') accountId = scope.accountId;
    else {
      const [account] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, (input.account ?? '').trim())).limit(1);
      if (!account) throw new NotFoundError(`Account "${input.account ?? ''}" not found`);
      accountId = account.id;
    }
    // One address space for admins and mailboxes of every account (lib/accounts/addresses.ts).
    await assertAdminAddressFree(tx, scope, data.email);
    await tx.insert(admins).values({ accountId, email: data.email, passwordHash, mustChangePassword: true });
    await recordAudit(tx, ctx, { event: 'admin_added', accountId, detail: { admin: data.email } });
    return (await findRow(tx, scope, data.email))!;
  });
  return toView(view);
}

async function activeAdminCount(tx: Tx, accountId: number, exceptId: number): Promise<number> {
  return (await tx.select({ n: count() }).from(admins).where(and(eq(admins.accountId, accountId), eq(admins.active, true), ne(admins.id, exceptId))).limit(1))[0]!.n;
}

/**
 * Deactivates or reactivates an admin. An admin cannot deactivate themself (`actorAdminId`), and nobody
 * can deactivate an account's last active admin. Deactivation ends every session of that admin at once.
 */
export async function setAdminActive(scope: Scope, email: string, active: boolean, ctx: AuditContext, actorAdminId: number | null = null): Promise<AdminView> {
  const row = await transaction(async (tx) => {
    const target = await loadAdmin(tx, scope, email);
    if (target.active === active) return target;
    if (!active) {
      if (target.id === actorAdminId) throw new ForbiddenError('You cannot deactivate yourself. Ask another admin of your account.');
      if (await activeAdminCount(tx, target.accountId, target.id) === 0) throw new ForbiddenError(`${target.email} is the last active admin of this account and cannot be deactivated. Add another admin first.`);
    }
    await tx.update(admins)
      .set({ active, updatedAt: new Date(), ...(active ? {} : { sessionVersion: sql`${admins.sessionVersion} + 1` }) })
      .where(eq(admins.id, target.id));
    if (!active) await endSubjectSessions(tx, 'admin', target.id);
    await recordAudit(tx, ctx, { event: active ? 'admin_reactivated' : 'admin_deactivated', accountId: target.accountId, detail: { admin: target.email } });
    return { ...target, active };
  });
  return toView(row);
}

/**
 * The operator removes an admin (CLI `admin remove`): for an admin that should not exist, such as one whose
 * address is also a mailbox's (the start-up check names those). Never an account's last active admin. Their
 * web and API sessions end; their API keys, recovery codes and passkeys go with the row.
 */
export async function removeAdmin(scope: Scope, email: string, ctx: AuditContext): Promise<void> {
  await transaction(async (tx) => {
    const target = await loadAdmin(tx, scope, email);
    if (target.active && (await activeAdminCount(tx, target.accountId, target.id)) === 0) {
      throw new ForbiddenError(`${target.email} is the last active admin of account "${target.account}" and cannot be removed. Add another admin first.`);
    }
    await endSubjectSessions(tx, 'admin', target.id);
    await tx.delete(admins).where(eq(admins.id, target.id));
    await recordAudit(tx, ctx, { event: 'admin_removed', accountId: target.accountId, detail: { admin: target.email } });
  });
}

/**
 * The operator sets an admin's password (CLI `admin set --password`, break-glass): every session of the
 * admin ends, every API key is revoked and, since the operator knows it, the admin must choose a new one
 * at the next sign-in.
 */
export async function setAdminPassword(scope: Scope, email: string, password: string, ctx: AuditContext): Promise<void> {
  const target = await loadAdmin(getDb(), scope, email);
  checkNewPassword(password, target.email);
  const passwordHash = await hashPassword(password);
  await transaction(async (tx) => {
    await tx.update(admins)
      .set({ passwordHash, mustChangePassword: true, updatedAt: new Date(), sessionVersion: sql`${admins.sessionVersion} + 1` })
      .where(eq(admins.id, target.id));
    await endSubjectSessions(tx, 'admin', target.id);
    await recordAudit(tx, ctx, { event: 'admin_password_set', accountId: target.accountId, detail: { admin: target.email } });
    await revokeAllApiKeys(tx, target, 'password_set', ctx);
  });
}

/**
 * Sets an admin's own allowed networks. With `currentAddress` (the admin's own change on /admin/security),
 * a list that would refuse that address is refused: no self-lockout. The CLI passes none and can always
 * reset it.
 */
export async function setAdminAllowNets(scope: Scope, email: string, raw: string | null, ctx: AuditContext, currentAddress?: string | null): Promise<AdminView> {
  const allowNets = parseOrThrow(z.object({ allowNets: allowNetsSchema }), { allowNets: raw }).allowNets;
  if (currentAddress !== undefined && !plainListAllows(allowNets, currentAddress)) {
    throw new ValidationError(
      'allow_nets',
      `This list does not include your current address (${currentAddress ?? 'unknown'}): saving it would lock you out. Add your address or network, or connect from a listed network first.`,
    );
  }
  const row = await transaction(async (tx) => {
    const target = await loadAdmin(tx, scope, email);
    if (target.allowNets === allowNets) return target;
    await tx.update(admins).set({ allowNets, updatedAt: new Date() }).where(eq(admins.id, target.id));
    await recordAudit(tx, ctx, { event: 'admin_allow_nets_changed', accountId: target.accountId, detail: { admin: target.email, old: target.allowNets, new: allowNets } });
    return { ...target, allowNets };
  });
  return toView(row);
}

/**
 * An admin's own password change (/admin/security, and the forced choice at first sign-in where the
 * current password was just entered). Same rules as mailboxes; revokes the admin's API keys (and ends the
 * API sessions opened with them); the caller ends every other session; returns the new session version so
 * the caller can keep its own session.
 */
export async function changeOwnAdminPassword(
  adminId: number,
  change: { currentPassword?: string; newPassword: string; reason: 'forced' | 'voluntary' },
  ctx: AuditContext,
): Promise<{ sessionVersion: number }> {
  const db = getDb();
  const load = async (conn: typeof db | Tx) =>
    (await conn.select({ id: admins.id, email: admins.email, accountId: admins.accountId, passwordHash: admins.passwordHash }).from(admins).where(eq(admins.id, adminId)).limit(1))[0];
  const before = await load(db);
  if (!before) throw new NotFoundError('Admin not found');
  const hash = await hashOwnNewPassword(before, change, 'own-admin');
  return transaction(async (tx) => {
    const row = await load(tx);
    if (!row || row.passwordHash !== before.passwordHash) throw new ConflictError(problem('password_changed_meanwhile'));
    const [updated] = await tx
      .update(admins)
      .set({ passwordHash: hash, mustChangePassword: false, updatedAt: new Date(), sessionVersion: sql`${admins.sessionVersion} + 1` })
      .where(eq(admins.id, row.id))
      .returning({ sessionVersion: admins.sessionVersion });
    await recordAudit(tx, ctx, { event: 'admin_password_changed', accountId: row.accountId, detail: { admin: row.email, reason: change.reason } });
    await revokeAllApiKeys(tx, row, 'password_changed', ctx);
    return { sessionVersion: updated!.sessionVersion };
  });
}

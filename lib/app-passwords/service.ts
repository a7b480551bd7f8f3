import 'server-only';
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { appPasswords, mailboxes } from '@/db/schema';
import { getDb, transaction, type Tx } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { hashPassword, inBcryptLane } from '@/lib/auth/password';
import { beginAttempt } from '@/lib/auth/throttle';
import { NotFoundError, RateLimitedError, ValidationError } from '@/lib/errors';
import { endMailConnections } from '@/lib/mail-kick/outbox';
import { emailSchema } from '@/lib/accounts/schemas';
import type { Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { appPasswordTag, generateAppPassword, groupAppPassword, parseProtocols, type AppPasswordProtocol } from './format';
import { appPasswordCreateSchema, appPasswordIdSchema, MAX_APP_PASSWORDS, type AppPasswordCreateInput } from './schema';
import { problem } from '@/lib/service-problems';

/**
 * App passwords (spec §20): the mailbox user creates them on /account; the user and the mailbox's admins
 * (page, API, CLI) list and revoke them. Revoking ends the mailbox's open mail connections (spec §18), in
 * the same transaction.
 */

/** App passwords a mailbox may create per hour (each costs a bcrypt hash). */
export const MAX_APP_PASSWORD_CREATIONS_PER_HOUR = 30;

export interface AppPasswordOwner {
  id: number;
  email: string;
  accountId: number;
}

export interface AppPasswordView {
  id: number;
  label: string;
  protocols: AppPasswordProtocol[];
  allowNets: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  lastUsedAddress: string | null;
  lastUsedProtocol: string | null;
  expired: boolean;
}

const viewColumns = {
  id: appPasswords.id,
  label: appPasswords.label,
  protocols: appPasswords.protocols,
  allowNets: appPasswords.allowNets,
  expiresAt: appPasswords.expiresAt,
  createdAt: appPasswords.createdAt,
  lastUsedAt: appPasswords.lastUsedAt,
  lastUsedAddress: appPasswords.lastUsedAddress,
  lastUsedProtocol: appPasswords.lastUsedProtocol,
};

/**
 * Creates an app password for the signed-in mailbox user; returns it in clear, grouped for typing (the only
 * time it is ever shown). At most MAX_APP_PASSWORDS per mailbox, counted again inside the transaction.
 */
export async function createAppPassword(owner: AppPasswordOwner, input: AppPasswordCreateInput, ctx: AuditContext): Promise<{ id: number; password: string }> {
  const data = parseOrThrow(appPasswordCreateSchema, input);
  if ((await countAppPasswords(owner.id)) >= MAX_APP_PASSWORDS) throw tooMany();
  // Each one costs a bcrypt hash: counted per mailbox (spec §23), so that creating and revoking in a loop
  // cannot keep the bcrypt queue busy. Counted, never un-counted: a budget, not a guess.
  const budget = await beginAttempt({
    realm: 'app-password-create',
    subject: String(owner.id),
    address: null,
    policy: { perSubjectAddress: null, perAddress: null, perSite: null, perSubject: { max: MAX_APP_PASSWORD_CREATIONS_PER_HOUR, windowMs: 3_600_000 }, knownNetworksExempt: false },
  });
  if (budget.limited) {
    throw new RateLimitedError(problem('app_passwords_per_hour', { max: MAX_APP_PASSWORD_CREATIONS_PER_HOUR, minutes: budget.retryAfterMinutes }), budget.retryAfterMinutes);
  }
  // Tags are unique per mailbox, so that a sign-in finds at most one candidate (lib/app-passwords/sign-in.ts).
  const taken = new Set((await getDb().select({ tag: appPasswords.lookupTag }).from(appPasswords).where(eq(appPasswords.mailboxId, owner.id))).map((r) => r.tag));
  let plain = generateAppPassword();
  while (taken.has(appPasswordTag(plain))) plain = generateAppPassword();
  // The mailbox's own account's lane of the fair bcrypt queue, like its sign-ins.
  const hash = await inBcryptLane(`account:${owner.accountId}`, () => hashPassword(plain));
  const id = await transaction(async (tx) => {
    const [held] = await tx.select({ n: count() }).from(appPasswords).where(eq(appPasswords.mailboxId, owner.id));
    if ((held?.n ?? 0) >= MAX_APP_PASSWORDS) throw tooMany();
    const [row] = await tx
      .insert(appPasswords)
      .values({ mailboxId: owner.id, label: data.label, protocols: data.protocols.join(','), allowNets: data.allowNets, expiresAt: data.expires, passwordHash: hash, lookupTag: appPasswordTag(plain) })
      .returning({ id: appPasswords.id });
    await recordAudit(tx, ctx, {
      event: 'app_password_created',
      accountId: owner.accountId,
      mailboxId: owner.id,
      mailboxEmail: owner.email,
      detail: { app_password_id: row!.id, label: data.label, protocols: data.protocols, allow_nets: data.allowNets, expires_at: data.expires?.toISOString() ?? null },
    });
    return row!.id;
  });
  return { id, password: groupAppPassword(plain) };
}

function tooMany(): ValidationError {
  return new ValidationError('label', problem('app_passwords_max', { max: MAX_APP_PASSWORDS }));
}

/** How many app passwords the mailbox has (`app_passwords` in mail.get). */
export async function countAppPasswords(mailboxId: number): Promise<number> {
  const [row] = await getDb().select({ n: count() }).from(appPasswords).where(eq(appPasswords.mailboxId, mailboxId));
  return row?.n ?? 0;
}

/** The mailbox's app passwords, newest first (expired ones too, marked). */
export async function listAppPasswords(mailboxId: number, now = Date.now()): Promise<AppPasswordView[]> {
  const rows = await getDb().select(viewColumns).from(appPasswords).where(eq(appPasswords.mailboxId, mailboxId)).orderBy(desc(appPasswords.id));
  return rows.map((r) => ({ ...r, protocols: parseProtocols(r.protocols), expired: r.expiresAt !== null && r.expiresAt.getTime() <= now }));
}

/** Revokes one of the mailbox's app passwords (the user on /account); "not found" for anyone else's id. */
export async function revokeAppPassword(owner: AppPasswordOwner, id: number, ctx: AuditContext): Promise<void> {
  const appId = parseOrThrow(appPasswordIdSchema, id);
  await transaction(async (tx) => {
    const [row] = await tx.delete(appPasswords).where(and(eq(appPasswords.id, appId), eq(appPasswords.mailboxId, owner.id))).returning({ label: appPasswords.label });
    if (!row) throw new NotFoundError(problem('app_password_not_found'));
    await recordAudit(tx, ctx, { event: 'app_password_revoked', accountId: owner.accountId, mailboxId: owner.id, mailboxEmail: owner.email, detail: { app_password_id: appId, label: row.label } });
    // A mail app connected with it would otherwise keep its open connection (spec §18): every connection
    // of the mailbox ends, and the apps that still hold a valid credential sign in again at once.
    await endMailConnections(tx, [owner], 'app_password_revoked');
  });
}

function scopeCondition(scope: Scope): SQL | undefined {
  return scope.kind === 'account' ? eq(mailboxes.accountId, scope.accountId) : undefined;
}

/** A mailbox of the scope by address; another account's mailbox is "not found", exactly like a missing one. */
export async function appPasswordOwnerOf(scope: Scope, email: string): Promise<AppPasswordOwner> {
  const address = parseOrThrow(emailSchema, email);
  const [row] = await getDb()
    .select({ id: mailboxes.id, email: mailboxes.email, accountId: mailboxes.accountId })
    .from(mailboxes)
    .where(and(eq(mailboxes.email, address), scopeCondition(scope)))
    .limit(1);
  if (!row) throw new NotFoundError(problem('mailbox_not_found', { address }));
  return row;
}

/** An admin's (or the operator's) view of a mailbox's app passwords: page, `mail.apppass.list`, CLI. */
export async function listAppPasswordsOf(scope: Scope, email: string): Promise<AppPasswordView[]> {
  return listAppPasswords((await appPasswordOwnerOf(scope, email)).id);
}

/** An admin (or the operator) revokes one app password of a mailbox: page, `mail.apppass.del`, CLI. */
export async function revokeAppPasswordOf(scope: Scope, email: string, id: number, ctx: AuditContext): Promise<void> {
  await revokeAppPassword(await appPasswordOwnerOf(scope, email), id, ctx);
}

/**
 * Revokes every app password of a mailbox inside the caller's transaction (a forced password change, unless
 * the admin unticked it): audited `app_passwords_revoked` with the count when there was any. The caller's
 * change ends the mailbox's mail connections already.
 */
export async function revokeAllAppPasswords(tx: Tx, owner: AppPasswordOwner, reason: 'forced_change', ctx: AuditContext): Promise<number> {
  const gone = await tx.delete(appPasswords).where(eq(appPasswords.mailboxId, owner.id)).returning({ id: appPasswords.id });
  if (gone.length === 0) return 0;
  await recordAudit(tx, ctx, { event: 'app_passwords_revoked', accountId: owner.accountId, mailboxId: owner.id, mailboxEmail: owner.email, detail: { count: gone.length, reason } });
  return gone.length;
}

import 'server-only';
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { domains, mailboxes, type AllowNetsMode } from '@/db/schema';
import { getDb, type Tx, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { hashOwnNewPassword, hashPassword, inBcryptLane, passwordMatches } from '@/lib/auth/password';
import { beginAttempt } from '@/lib/auth/throttle';
import { hasMailboxPasskey } from '@/lib/auth/passkey-presence';
import { checkPasswordPolicy, SAME_AS_CURRENT } from '@/lib/auth/password-policy';
import { env } from '@/lib/env';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from '@/lib/errors';
import { tenantCondition, type Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { entriesOf, toStored, type EntryMeta, type StoredList } from '@/lib/net/allowlist-entries';
import { assertSetsExist } from '@/lib/netsets/service';
import { claimAddress } from '@/lib/accounts/addresses';
import { endMailConnections, type KickReason } from '@/lib/mail-kick/outbox';
import { listTakesAway } from '@/lib/mail-kick/policy';
import { revokeAllAppPasswords } from '@/lib/app-passwords/service';
import { mailboxCreateSchema, mailboxPatchSchema, emailSchema, MAX_SEARCH_CHARS, type MailboxCreateInput, type MailboxPatchInput } from './schemas';
import type { MailboxView } from './view';
import { changedBefore } from './password-age';
import { problem } from '@/lib/service-problems';

/**
 * The domain service for mailboxes: the admin UI, the JSON-RPC API and the CLI all change mailboxes
 * through these functions, so the rules (validation, password policy, session cut-off, audit) live once.
 */

const viewColumns = {
  id: mailboxes.id,
  email: mailboxes.email,
  domain: domains.name,
  active: mailboxes.active,
  allowNets: mailboxes.allowNets,
  allowNetsMeta: mailboxes.allowNetsMeta,
  allowNetsMode: mailboxes.allowNetsMode,
  requireResetPassword: mailboxes.requireResetPassword,
  memo: mailboxes.memo,
  passwordChangedAt: mailboxes.passwordChangedAt,
  lastLoginAt: mailboxes.lastLoginAt,
  lastLoginIp: mailboxes.lastLoginIp,
  createdAt: mailboxes.createdAt,
  updatedAt: mailboxes.updatedAt,
  totpEnabledAt: mailboxes.totpEnabledAt,
  hasPasskey: hasMailboxPasskey,
};


/** Passwords an account may have hashed per minute (admin UI and API together; spec §12 "bounded work"). */
export const MAX_PASSWORD_HASHES_PER_ACCOUNT_MINUTE = 60;

/**
 * Runs the bcrypt work of setting a password for `scope`: an account's admins are limited to
 * MAX_PASSWORD_HASHES_PER_ACCOUNT_MINUTE, counted before any hashing, and their hashing waits in the
 * account's own lane of the fair bcrypt queue, so a burst from one account cannot starve other accounts'
 * sign-ins. Operators (CLI) are neither limited nor hurried.
 */
async function passwordWork<T>(scope: Scope, work: () => Promise<T>): Promise<T> {
  if (scope.kind !== 'account') return inBcryptLane('operator', work);
  const budget = await beginAttempt({
    realm: 'password-hash',
    subject: String(scope.accountId),
    address: null,
    policy: { perSubjectAddress: null, perAddress: null, perSite: null, perSubject: { max: MAX_PASSWORD_HASHES_PER_ACCOUNT_MINUTE, windowMs: 60_000 }, knownNetworksExempt: false },
  });
  if (budget.limited) {
    return Promise.reject(
      new RateLimitedError(problem('passwords_per_minute', { max: MAX_PASSWORD_HASHES_PER_ACCOUNT_MINUTE }), budget.retryAfterMinutes),
    );
  }
  return inBcryptLane(`account:${scope.accountId}`, work);
}

async function findView(db: ReturnType<typeof getDb> | Tx, scope: Scope, email: string): Promise<MailboxView | undefined> {
  const [view] = await db
    .select(viewColumns)
    .from(mailboxes)
    .innerJoin(domains, eq(domains.id, mailboxes.domainId))
    .where(and(eq(mailboxes.email, email), tenantCondition(scope, mailboxes.accountId)))
    .limit(1);
  return view;
}

/**
 * A mailbox of the scope by address, only its id and address (for callers that look up something else of
 * it, e.g. its sessions or sign-ins: a long list's labels are not read and decoded again). Same scoping
 * and "not found" as getMailbox.
 */
export async function getMailboxRef(scope: Scope, email: string): Promise<{ id: number; email: string }> {
  const address = parseOrThrow(emailSchema, email);
  const [ref] = await getDb()
    .select({ id: mailboxes.id, email: mailboxes.email })
    .from(mailboxes)
    .where(and(eq(mailboxes.email, address), tenantCondition(scope, mailboxes.accountId)))
    .limit(1);
  if (!ref) throw new NotFoundError(problem('mailbox_not_found', { address }));
  return ref;
}

/** One mailbox of the scope; another account's mailbox is "not found", exactly like a missing one. */
export async function getMailbox(scope: Scope, email: string): Promise<MailboxView> {
  const address = parseOrThrow(emailSchema, email);
  const view = await findView(getDb(), scope, address);
  if (!view) throw new NotFoundError(problem('mailbox_not_found', { address }));
  return view;
}

export type MailboxFilter = 'all' | 'restricted' | 'unrestricted' | 'reset_pending' | 'inactive' | 'monitor' | 'enforce';
export type MailboxSortField = 'email' | 'last_login_at' | 'created_at' | 'updated_at';

export interface MailboxQuery {
  domain?: string;
  search?: string;
  filter?: MailboxFilter;
  sort?: MailboxSortField;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
  /** Only mailboxes whose password was set more than this many days ago (spec §21 "password older than N days"). */
  passwordOlderThanDays?: number;
  /** The clock the password age is measured against (now by default). */
  now?: number;
}

export function mailboxQueryConditions(scope: Scope, query: MailboxQuery): SQL | undefined {
  const conditions: (SQL | undefined)[] = [tenantCondition(scope, mailboxes.accountId)];
  if (query.domain) conditions.push(eq(domains.name, query.domain.trim().toLowerCase()));
  if (query.search) {
    if (query.search.length > MAX_SEARCH_CHARS) throw new ValidationError('search', `search: must be at most ${MAX_SEARCH_CHARS} characters`);
    // Escape LIKE wildcards so that a search for "a_b" means the characters, not a pattern.
    const needle = query.search.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(sql`${mailboxes.email} LIKE ${`%${needle}%`} ESCAPE '\\'`);
  }
  // Password age counts from the last recorded change, or from creation (lib/mailboxes/password-expiry.ts).
  if (query.passwordOlderThanDays !== undefined) conditions.push(sql`COALESCE(${mailboxes.passwordChangedAt}, ${mailboxes.createdAt}) < ${changedBefore(query.passwordOlderThanDays, query.now ?? Date.now())}`);
  switch (query.filter ?? 'all') {
    case 'restricted': conditions.push(sql`${mailboxes.allowNets} IS NOT NULL`); break;
    case 'unrestricted': conditions.push(sql`${mailboxes.allowNets} IS NULL`); break;
    case 'reset_pending': conditions.push(eq(mailboxes.requireResetPassword, true)); break;
    case 'inactive': conditions.push(eq(mailboxes.active, false)); break;
    case 'monitor': conditions.push(eq(mailboxes.allowNetsMode, 'monitor')); break;
    case 'enforce': conditions.push(sql`${mailboxes.allowNets} IS NOT NULL AND ${mailboxes.allowNetsMode} = 'enforce'`); break;
  }
  return and(...conditions);
}

const SORT_COLUMNS = {
  email: mailboxes.email,
  last_login_at: mailboxes.lastLoginAt,
  created_at: mailboxes.createdAt,
  updated_at: mailboxes.updatedAt,
} as const;

/** A page of the scope's mailboxes with the total that matches, for lists and `mail.list`. */
export async function listMailboxes(scope: Scope, query: MailboxQuery = {}): Promise<{ items: MailboxView[]; total: number }> {
  const db = getDb();
  const where = mailboxQueryConditions(scope, query);
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 1000);
  const page = Math.max(query.page ?? 1, 1);
  const column = SORT_COLUMNS[query.sort ?? 'email'];
  const order = query.order === 'desc' ? desc(column) : asc(column);
  const items = await db
    .select(viewColumns)
    .from(mailboxes)
    .innerJoin(domains, eq(domains.id, mailboxes.domainId))
    .where(where)
    .orderBy(order, asc(mailboxes.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [counted] = await db
    .select({ n: sql<number>`count(*)` })
    .from(mailboxes)
    .innerJoin(domains, eq(domains.id, mailboxes.domainId))
    .where(where);
  const total = Number(counted?.n ?? 0);
  return { items, total };
}

/**
 * The mailboxes of one page (as listMailboxes, without the total), read `chunk` rows at a time: which
 * mailboxes are on the page, and in what order, is decided by one query of their ids; their rows (up to
 * 64 KiB of list and its labels each) are then read a chunk at a time, so a page of long lists is never in
 * memory at once (spec §23: no request may hold more than 64 MiB). A mailbox deleted meanwhile is left out.
 * Stopping the iteration early reads nothing more.
 */
export async function* mailboxPageInChunks(scope: Scope, query: MailboxQuery, chunk = 25): AsyncGenerator<MailboxView[]> {
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 1000);
  const page = Math.max(query.page ?? 1, 1);
  const column = SORT_COLUMNS[query.sort ?? 'email'];
  const ids = await getDb()
    .select({ id: mailboxes.id })
    .from(mailboxes)
    .innerJoin(domains, eq(domains.id, mailboxes.domainId))
    .where(mailboxQueryConditions(scope, query))
    .orderBy(query.order === 'desc' ? desc(column) : asc(column), asc(mailboxes.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  for (let start = 0; start < ids.length; start += chunk) {
    const wanted = ids.slice(start, start + chunk).map((row) => row.id);
    const rows = await getDb()
      .select(viewColumns)
      .from(mailboxes)
      .innerJoin(domains, eq(domains.id, mailboxes.domainId))
      .where(and(inArray(mailboxes.id, wanted), tenantCondition(scope, mailboxes.accountId)));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const views = wanted.flatMap((id) => byId.get(id) ?? []);
    if (views.length > 0) yield views;
  }
}

/** Checks the password rules that need no stored hash; throws one ValidationError listing each failed rule. */
function assertPasswordPolicy(password: string, email: string, field = 'password'): void {
  const problems = checkPasswordPolicy({ password, email, minLength: env().PASSWORD_MIN_LENGTH });
  if (problems.length > 0) {
    throw new ValidationError(field, `${field}: ${problems.map((p) => p.message).join(' ')}`, problems);
  }
}

/** Creates a mailbox in one of the scope's domains. */
export async function createMailbox(scope: Scope, input: MailboxCreateInput, ctx: AuditContext): Promise<MailboxView> {
  const data = parseOrThrow(mailboxCreateSchema, input);
  const [, domainName] = data.email.split('@') as [string, string];
  const db = getDb();
  const [domain] = await db
    .select({ id: domains.id, accountId: domains.accountId })
    .from(domains)
    .where(and(eq(domains.name, domainName), tenantCondition(scope, domains.accountId))).limit(1);
  if (!domain) throw new NotFoundError(problem('domain_not_found', { domain: domainName }));
  const list = newList(data, null) ?? { canonical: null, meta: null };
  await assertSetsExist(db, domain.accountId, list.canonical, data.allowNetsEntries !== undefined ? 'allow_nets_entries' : 'allow_nets');
  assertPasswordPolicy(data.password, data.email);
  const passwordHash = await passwordWork(scope, () => hashPassword(data.password));
  const now = new Date();
  await transaction(async (tx) => {
    // Admins and mailboxes share one address space (lib/accounts/addresses.ts): the same answer for both.
    if ((await claimAddress(tx, data.email)).taken) throw new ConflictError(problem('address_in_use', { email: data.email }));
    const [created] = await tx
      .insert(mailboxes)
      .values({
        accountId: domain.accountId,
        domainId: domain.id,
        email: data.email,
        passwordHash,
        allowNets: list.canonical,
        allowNetsMeta: list.meta,
        allowNetsMode: data.allowNetsMode ?? 'enforce',
        requireResetPassword: data.requireResetPassword ?? false,
        active: data.active ?? true,
        memo: data.memo ?? '',
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: mailboxes.id });
    await recordAudit(tx, ctx, {
      event: 'mailbox_created',
      accountId: domain.accountId,
      mailboxId: created!.id,
      mailboxEmail: data.email,
      detail: { allow_nets: list.canonical, ...(list.meta ? { allow_nets_meta: list.meta } : {}), allow_nets_mode: data.allowNetsMode ?? 'enforce', require_reset_password: data.requireResetPassword ?? false, active: data.active ?? true },
    });
  });
  return await getMailbox(scope, data.email);
}

/**
 * The stored list a create or patch asks for: `allowNetsEntries` as given, or the plain `allowNets` string
 * keeping the labels and expiry of networks that stay (so read-modify-write scripts change nothing).
 * Undefined when the list is not part of the input.
 */
function newList(data: { allowNets?: string | null; allowNetsEntries?: StoredList }, previous: EntryMeta | null): StoredList | undefined {
  if (data.allowNets !== undefined && data.allowNetsEntries !== undefined) {
    throw new ValidationError('allow_nets', 'allow_nets: give allow_nets or allow_nets_entries, not both');
  }
  if (data.allowNetsEntries !== undefined) return data.allowNetsEntries;
  if (data.allowNets !== undefined) return toStored(entriesOf({ canonical: data.allowNets, meta: previous }));
  return undefined;
}

export interface MailboxChange {
  field: 'allow_nets' | 'allow_nets_mode' | 'require_reset_password' | 'active' | 'memo' | 'password';
  old?: unknown;
  new?: unknown;
  /** allow_nets only, when labels or expiry are involved: the side maps before and after. */
  oldMeta?: EntryMeta | null;
  newMeta?: EntryMeta | null;
}

const CHANGE_EVENTS: Record<MailboxChange['field'], string> = {
  allow_nets: 'allow_nets_changed',
  allow_nets_mode: 'allow_nets_mode_changed',
  require_reset_password: 'require_reset_password_changed',
  active: 'active_changed',
  memo: 'memo_changed',
  password: 'password_set_by_admin',
};

export interface PatchRow {
  id: number;
  email: string;
  accountId: number;
  passwordHash: string;
  allowNets: string | null;
  allowNetsMeta: EntryMeta | null;
  allowNetsMode: AllowNetsMode;
  requireResetPassword: boolean;
  active: boolean;
  memo: string;
}

export const patchColumns = {
  id: mailboxes.id,
  email: mailboxes.email,
  accountId: mailboxes.accountId,
  passwordHash: mailboxes.passwordHash,
  allowNets: mailboxes.allowNets,
  allowNetsMeta: mailboxes.allowNetsMeta,
  allowNetsMode: mailboxes.allowNetsMode,
  requireResetPassword: mailboxes.requireResetPassword,
  active: mailboxes.active,
  memo: mailboxes.memo,
};

export type ParsedPatch = ReturnType<typeof parsePatch>;
/** Validates a patch with the shared schema (throws a ValidationError naming the bad field). */
export function parsePatch(patch: MailboxPatchInput) {
  return parseOrThrow(mailboxPatchSchema, patch);
}

/** Applies a parsed patch to one row inside a transaction (bulk changes call it per row); returns what changed. */
export async function applyPatch(tx: Tx, row: PatchRow, data: ParsedPatch, newHash: string | null, ctx: AuditContext): Promise<MailboxChange[]> {
  const changes: MailboxChange[] = [];
  const set: Partial<typeof mailboxes.$inferInsert> = {};
  let bump = false;
  const list = newList(data, row.allowNetsMeta);
  if (list !== undefined && (list.canonical !== row.allowNets || JSON.stringify(list.meta) !== JSON.stringify(row.allowNetsMeta))) {
    await assertSetsExist(tx, row.accountId, list.canonical, data.allowNetsEntries !== undefined ? 'allow_nets_entries' : 'allow_nets');
    changes.push({ field: 'allow_nets', old: row.allowNets, new: list.canonical, ...(row.allowNetsMeta || list.meta ? { oldMeta: row.allowNetsMeta, newMeta: list.meta } : {}) });
    set.allowNets = list.canonical;
    set.allowNetsMeta = list.meta;
  }
  if (data.allowNetsMode !== undefined && data.allowNetsMode !== row.allowNetsMode) {
    changes.push({ field: 'allow_nets_mode', old: row.allowNetsMode, new: data.allowNetsMode });
    set.allowNetsMode = data.allowNetsMode;
  }
  if (data.requireResetPassword !== undefined && data.requireResetPassword !== row.requireResetPassword) {
    changes.push({ field: 'require_reset_password', old: row.requireResetPassword, new: data.requireResetPassword });
    set.requireResetPassword = data.requireResetPassword;
    // Forcing a change must end every open session at once, not at its expiry.
    if (data.requireResetPassword) bump = true;
  }
  if (data.active !== undefined && data.active !== row.active) {
    changes.push({ field: 'active', old: row.active, new: data.active });
    set.active = data.active;
    if (!data.active) bump = true;
  }
  if (data.memo !== undefined && data.memo !== row.memo) {
    changes.push({ field: 'memo', old: row.memo, new: data.memo });
    set.memo = data.memo;
  }
  if (newHash) {
    changes.push({ field: 'password' });
    set.passwordHash = newHash;
    set.passwordChangedAt = new Date();
    bump = true;
  }
  if (changes.length === 0) return changes;
  await tx.update(mailboxes)
    .set({ ...set, updatedAt: new Date(), ...(bump ? { sessionVersion: sql`${mailboxes.sessionVersion} + 1` } : {}) })
    .where(eq(mailboxes.id, row.id));
  const reason = kickReason(row, set, newHash !== null);
  if (reason) await endMailConnections(tx, [{ id: row.id, email: row.email, accountId: row.accountId }], reason);
  // A forced change revokes the mailbox's app passwords too unless the admin unticked it (spec §20): whoever
  // knew the old password may have made one. (The connections end with the forced change above.)
  if (set.requireResetPassword === true && data.revokeAppPasswords !== false) await revokeAllAppPasswords(tx, row, 'forced_change', ctx);
  for (const change of changes) {
    await recordAudit(tx, ctx, {
      event: CHANGE_EVENTS[change.field],
      accountId: row.accountId,
      mailboxId: row.id,
      mailboxEmail: row.email,
      detail: change.field === 'password' ? {} : { old: change.old, new: change.new, ...(change.oldMeta !== undefined ? { old_meta: change.oldMeta, new_meta: change.newMeta } : {}) },
    });
  }
  return changes;
}

/**
 * Why a change must end the mailbox's open mail connections (spec §18), or null when it takes nothing away:
 * a forced change, deactivation and a new password always; a list or mode change when the mailbox ends up
 * enforcing a list that may refuse an address it admitted (lib/mail-kick/policy.ts listTakesAway). Monitor
 * mode refuses nothing, so its list changes end nothing.
 */
function kickReason(row: PatchRow, set: Partial<typeof mailboxes.$inferInsert>, newPassword: boolean): KickReason | null {
  if (set.requireResetPassword === true) return 'forced_change';
  if (set.active === false) return 'deactivated';
  if (newPassword) return 'password';
  const mode = set.allowNetsMode ?? row.allowNetsMode;
  if (mode !== 'enforce') return null;
  const after = { canonical: set.allowNets !== undefined ? set.allowNets : row.allowNets, meta: set.allowNetsMeta !== undefined ? set.allowNetsMeta : row.allowNetsMeta };
  if (set.allowNetsMode === 'enforce' && after.canonical !== null) return 'mode';
  if (set.allowNets !== undefined && listTakesAway({ canonical: row.allowNets, meta: row.allowNetsMeta }, after)) return 'list';
  return null;
}

/**
 * Changes only the given fields of one mailbox, in one transaction with its audit rows. Invalid input
 * (any field) changes nothing. Setting `requireResetPassword`, deactivating or setting a password bumps
 * the session version, which ends every open session of the mailbox.
 */
export async function updateMailbox(scope: Scope, email: string, patch: MailboxPatchInput, ctx: AuditContext): Promise<{ mailbox: MailboxView; changes: MailboxChange[] }> {
  const address = parseOrThrow(emailSchema, email);
  const data = parsePatch(patch);
  const db = getDb();
  const load = async (conn: typeof db | Tx) =>
    (await conn.select(patchColumns).from(mailboxes).where(and(eq(mailboxes.email, address), tenantCondition(scope, mailboxes.accountId))).limit(1))[0];
  const before = await load(db);
  if (!before) throw new NotFoundError(problem('mailbox_not_found', { address }));

  let newHash: string | null = null;
  if (data.password !== undefined) {
    assertPasswordPolicy(data.password, address);
    const password = data.password;
    newHash = await passwordWork(scope, async () => {
      if (!data.samePasswordAllowed && (await passwordMatches(password, before.passwordHash))) {
        throw new ValidationError('password', `password: ${SAME_AS_CURRENT.message}`, [SAME_AS_CURRENT]);
      }
      return hashPassword(password);
    });
  }

  const changes = await transaction(async (tx) => {
    // Re-read inside the transaction: the hash above was computed outside it (bcrypt is asynchronous).
    const row = await load(tx);
    if (!row) throw new NotFoundError(problem('mailbox_not_found', { address }));
    return await applyPatch(tx, row, data, newHash, ctx);
  });
  return { mailbox: await getMailbox(scope, address), changes };
}

/** Sets or removes a mailbox's network restriction (`raw` as typed; empty or null = unrestricted). */
export async function setAllowNets(scope: Scope, email: string, raw: string | null, ctx: AuditContext) {
  return await updateMailbox(scope, email, { allowNets: raw }, ctx);
}

/** Forces (or cancels) a password change at the next sign-in; forcing ends every open session. */
export async function requirePasswordReset(scope: Scope, email: string, on: boolean, ctx: AuditContext) {
  return await updateMailbox(scope, email, { requireResetPassword: on }, ctx);
}

/** Deletes a mailbox (its messages go with it; its audit trail stays). */
export async function deleteMailbox(scope: Scope, email: string, ctx: AuditContext): Promise<void> {
  const address = parseOrThrow(emailSchema, email);
  await transaction(async (tx) => {
    const [row] = await tx.select({ id: mailboxes.id, accountId: mailboxes.accountId }).from(mailboxes).where(and(eq(mailboxes.email, address), tenantCondition(scope, mailboxes.accountId))).limit(1);
    if (!row) throw new NotFoundError(problem('mailbox_not_found', { address }));
    await tx.delete(mailboxes).where(eq(mailboxes.id, row.id));
    await recordAudit(tx, ctx, { event: 'mailbox_deleted', accountId: row.accountId, mailboxId: row.id, mailboxEmail: address });
    // Its mail apps' connections would otherwise stay open on the backend.
    await endMailConnections(tx, [{ id: row.id, email: address, accountId: row.accountId }], 'deleted');
  });
}

export interface OwnPasswordChange {
  /** Required for a voluntary change; the forced flow has just verified it at sign-in. */
  currentPassword?: string;
  newPassword: string;
  reason: 'forced' | 'voluntary';
}

/**
 * A mailbox user's own password change (the interstitial and /account). In one transaction: new hash,
 * flag cleared, password_changed_at, session version bumped (every other session ends) and the audit row.
 * Returns the new session version so the caller can reissue its own session.
 */
export async function changeOwnPassword(mailboxId: number, change: OwnPasswordChange, ctx: AuditContext): Promise<{ sessionVersion: number }> {
  const db = getDb();
  const load = async (conn: typeof db | Tx) =>
    (await conn.select({ ...patchColumns, sessionVersion: mailboxes.sessionVersion }).from(mailboxes).where(eq(mailboxes.id, mailboxId)).limit(1))[0];
  const before = await load(db);
  if (!before) throw new NotFoundError('Mailbox not found');
  const hash = await hashOwnNewPassword(before, change);
  return transaction(async (tx) => {
    const row = await load(tx);
    if (!row || row.passwordHash !== before.passwordHash) throw new ConflictError(problem('password_changed_meanwhile'));
    const now = new Date();
    const [updated] = await tx
      .update(mailboxes)
      .set({ passwordHash: hash, requireResetPassword: false, passwordChangedAt: now, updatedAt: now, sessionVersion: sql`${mailboxes.sessionVersion} + 1` })
      .where(eq(mailboxes.id, row.id))
      .returning({ sessionVersion: mailboxes.sessionVersion });
    await recordAudit(tx, ctx, { event: 'password_changed', accountId: row.accountId, mailboxId: row.id, mailboxEmail: row.email, detail: { reason: change.reason } });
    // A mail app signed in with the old password must sign in again with the new one.
    await endMailConnections(tx, [{ id: row.id, email: row.email, accountId: row.accountId }], 'password');
    return { sessionVersion: updated!.sessionVersion };
  });
}

import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { accounts, mailboxes, netSets } from '@/db/schema';
import { getDb, type Db, type Tx, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { describeErrors, type EntryError } from '@/lib/net/allowlist';
import { entryError } from '@/lib/net/allowlist-problems';
import { entriesOf, referencesOf, toStored, type EntryMeta, type ListEntry, type SetContent, type StoredList } from '@/lib/net/allowlist-entries';
import { parseOrThrow } from '@/lib/validation';
import { endMailConnections } from '@/lib/mail-kick/outbox';
import { enforcingMailboxesUsingSet, referencing } from '@/lib/mail-kick/targets';
import { listTakesAway } from '@/lib/mail-kick/policy';
import { netSetCreateSchema, netSetNameSchema, netSetPatchSchema, type NetSetCreateInput, type NetSetPatchInput } from './schemas';
import { problem } from '@/lib/service-problems';

/**
 * The domain service for named network sets (spec §15): /admin/networks, the netset.* methods and the
 * CLI all go through here. Sets belong to one account; another account's set is "not found", and its
 * name is an unknown `@name` in a list. Every change bumps the account's net_sets_version in the same
 * transaction, which is what makes every mailbox referencing the set recompile at its next request.
 */

/** How many referencing mailboxes a refusal names. */
const NAMED_USERS = 10;


export interface NetSetView {
  id: number;
  name: string;
  description: string;
  /** Canonical networks, '' when the set has none. */
  allowNets: string;
  entries: ListEntry[];
  /** How many of the account's mailboxes reference it. */
  usedBy: number;
  createdAt: Date;
  updatedAt: Date;
}

const columns = {
  id: netSets.id,
  name: netSets.name,
  description: netSets.description,
  allowNets: netSets.allowNets,
  allowNetsMeta: netSets.allowNetsMeta,
  createdAt: netSets.createdAt,
  updatedAt: netSets.updatedAt,
};

type Row = { id: number; name: string; description: string; allowNets: string; allowNetsMeta: EntryMeta | null; createdAt: Date; updatedAt: Date };

/** Up to `limit` addresses of the account's mailboxes whose list references the set, and how many there are. */
export async function mailboxesUsingSet(conn: Db | Tx, accountId: number, name: string, limit = NAMED_USERS): Promise<{ count: number; emails: string[] }> {
  const where = and(eq(mailboxes.accountId, accountId), referencing(name));
  const count = (await conn.select({ n: sql<number>`count(*)` }).from(mailboxes).where(where).limit(1))[0]?.n ?? 0;
  const emails = count === 0 ? [] : (await conn.select({ email: mailboxes.email }).from(mailboxes).where(where).orderBy(asc(mailboxes.email)).limit(limit)).map((r) => r.email);
  return { count, emails };
}

async function toView(conn: Db | Tx, accountId: number, row: Row): Promise<NetSetView> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    allowNets: row.allowNets,
    entries: entriesOf({ canonical: row.allowNets || null, meta: row.allowNetsMeta }),
    usedBy: (await mailboxesUsingSet(conn, accountId, row.name, 0)).count,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The account's sets, by name. */
export async function listNetSets(accountId: number): Promise<NetSetView[]> {
  const db = getDb();
  const views: NetSetView[] = [];
  for (const row of await db.select(columns).from(netSets).where(eq(netSets.accountId, accountId)).orderBy(asc(netSets.name))) views.push(await toView(db, accountId, row));
  return views;
}

/** The account's set names (for `@name` validation in forms). */
export async function netSetNames(accountId: number): Promise<string[]> {
  return (await getDb().select({ name: netSets.name }).from(netSets).where(eq(netSets.accountId, accountId)).orderBy(asc(netSets.name))).map((r) => r.name);
}

async function load(conn: Db | Tx, accountId: number, name: string): Promise<Row | undefined> {
  return (await conn.select(columns).from(netSets).where(and(eq(netSets.accountId, accountId), eq(netSets.name, name))).limit(1))[0];
}

/** One set of the account; another account's set is "not found", like a missing one. */
export async function getNetSet(accountId: number, name: string): Promise<NetSetView> {
  const setName = parseOrThrow(netSetNameSchema, name);
  const db = getDb();
  const row = await load(db, accountId, setName);
  if (!row) throw new NotFoundError(problem('netset_not_found', { name: setName }));
  return toView(db, accountId, row);
}

/**
 * Throws a ValidationError naming every `@name` of `canonical` that is not a set of the account (an
 * unknown `@name` is an invalid entry, spec §15). `field` is the wire name of the list.
 */
export async function assertSetsExist(conn: Db | Tx, accountId: number, canonical: string | null, field: string): Promise<void> {
  const names = referencesOf(canonical);
  if (names.length === 0) return;
  const known = new Set((await conn.select({ name: netSets.name }).from(netSets).where(and(eq(netSets.accountId, accountId), inArray(netSets.name, names)))).map((r) => r.name));
  const errors: EntryError[] = names.filter((n) => !known.has(n)).map((n) => entryError(`@${n}`, 'unknown_set', { name: n }));
  if (errors.length > 0) throw new ValidationError(field, `${field}: ${describeErrors(errors)}`, errors);
}

/** The stored list of a set from exactly one of the two spellings; sets may not contain `@name`. */
function setList(data: { allowNets?: string | null; allowNetsEntries?: StoredList }, previous: EntryMeta | null): StoredList | undefined {
  if (data.allowNets !== undefined && data.allowNetsEntries !== undefined) {
    throw new ValidationError('allow_nets', 'allow_nets: give allow_nets or allow_nets_entries, not both');
  }
  if (data.allowNetsEntries !== undefined) {
    const refs = referencesOf(data.allowNetsEntries.canonical);
    if (refs.length > 0) {
      const errors = refs.map((n) => entryError(`@${n}`, 'set_in_set'));
      throw new ValidationError('allow_nets_entries', `allow_nets_entries: ${describeErrors(errors)}`, errors);
    }
    return data.allowNetsEntries;
  }
  if (data.allowNets !== undefined) return toStored(entriesOf({ canonical: data.allowNets, meta: previous }));
  return undefined;
}

async function bumpVersion(tx: Tx, accountId: number): Promise<void> {
  await tx.update(accounts).set({ netSetsVersion: sql`${accounts.netSetsVersion} + 1` }).where(eq(accounts.id, accountId));
}

/** Creates a set in the account. */
export async function createNetSet(accountId: number, input: NetSetCreateInput, ctx: AuditContext): Promise<NetSetView> {
  const data = parseOrThrow(netSetCreateSchema, input);
  const list = setList(data, null) ?? { canonical: null, meta: null };
  await transaction(async (tx) => {
    if (await load(tx, accountId, data.name)) throw new ConflictError(problem('netset_exists', { name: data.name }));
    const now = new Date();
    await tx.insert(netSets)
      .values({ accountId, name: data.name, description: data.description ?? '', allowNets: list.canonical ?? '', allowNetsMeta: list.meta, createdAt: now, updatedAt: now });
    await bumpVersion(tx, accountId);
    await recordAudit(tx, ctx, { event: 'netset_created', accountId, detail: { name: data.name, allow_nets: list.canonical ?? '' } });
  });
  return await getNetSet(accountId, data.name);
}

/**
 * Changes a set; every mailbox referencing it uses the new networks from its next request (web, API and
 * IMAP). Renaming is refused while mailboxes reference the set (their lists would name a missing set).
 */
export async function updateNetSet(accountId: number, name: string, input: NetSetPatchInput, ctx: AuditContext): Promise<NetSetView> {
  const setName = parseOrThrow(netSetNameSchema, name);
  const data = parseOrThrow(netSetPatchSchema, input);
  const finalName = await transaction(async (tx) => {
    const row = await load(tx, accountId, setName);
    if (!row) throw new NotFoundError(problem('netset_not_found', { name: setName }));
    const list = setList(data, row.allowNetsMeta);
    const set: Partial<typeof netSets.$inferInsert> = {};
    const detail: Record<string, unknown> = { name: setName };
    if (data.newName !== undefined && data.newName !== setName) {
      if (await load(tx, accountId, data.newName)) throw new ConflictError(problem('netset_exists', { name: data.newName }));
      const users = await mailboxesUsingSet(tx, accountId, setName);
      if (users.count > 0) throw new ConflictError(problem('netset_rename_in_use', { name: setName, ...usersValues(users) }));
      set.name = data.newName;
      detail.new_name = data.newName;
    }
    if (data.description !== undefined && data.description !== row.description) set.description = data.description;
    if (list !== undefined) {
      const canonical = list.canonical ?? '';
      if (canonical !== row.allowNets || JSON.stringify(list.meta) !== JSON.stringify(row.allowNetsMeta)) {
        set.allowNets = canonical;
        set.allowNetsMeta = list.meta;
        detail.old = row.allowNets;
        detail.new = canonical;
      }
    }
    if (Object.keys(set).length === 0) return setName;
    await tx.update(netSets).set({ ...set, updatedAt: new Date() }).where(eq(netSets.id, row.id));
    // An edit that takes a network away may refuse the apps of every mailbox that references the set.
    if (set.allowNets !== undefined && listTakesAway({ canonical: row.allowNets, meta: row.allowNetsMeta }, { canonical: set.allowNets, meta: set.allowNetsMeta ?? null })) {
      await endMailConnections(tx, await enforcingMailboxesUsingSet(tx, accountId, setName), 'set');
    }
    await bumpVersion(tx, accountId);
    await recordAudit(tx, ctx, { event: 'netset_changed', accountId, detail });
    return set.name ?? setName;
  });
  return await getNetSet(accountId, finalName);
}

function usersValues(users: { count: number; emails: string[] }): { count: number; list: string; more: number } {
  return { count: users.count, list: users.emails.join(', '), more: users.count - users.emails.length };
}

/** Deletes a set; refused while mailboxes reference it, naming up to 10 of them. */
export async function deleteNetSet(accountId: number, name: string, ctx: AuditContext): Promise<void> {
  const setName = parseOrThrow(netSetNameSchema, name);
  await transaction(async (tx) => {
    const row = await load(tx, accountId, setName);
    if (!row) throw new NotFoundError(problem('netset_not_found', { name: setName }));
    const users = await mailboxesUsingSet(tx, accountId, setName);
    if (users.count > 0) {
      throw new ConflictError(problem('netset_in_use', { name: setName, ...usersValues(users) }));
    }
    await tx.delete(netSets).where(eq(netSets.id, row.id));
    await bumpVersion(tx, accountId);
    await recordAudit(tx, ctx, { event: 'netset_deleted', accountId, detail: { name: setName, allow_nets: row.allowNets } });
  });
}

/** The account's sets as name → networks with labels/expiry: what the admin pages evaluate drafts with. */
export async function netSetContents(accountId: number): Promise<Record<string, SetContent>> {
  const rows = await getDb().select({ name: netSets.name, allowNets: netSets.allowNets, allowNetsMeta: netSets.allowNetsMeta }).from(netSets).where(eq(netSets.accountId, accountId));
  // Own properties only (Object.fromEntries never writes through a prototype); it goes to the browser as a plain object.
  return Object.fromEntries(rows.map((r) => [r.name, { canonical: r.allowNets, meta: r.allowNetsMeta ?? null }]));
}

import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { accounts, mailboxes, netSets } from '@/db/schema';
import { getDb, prepareAs, preparedOnce } from '@/db';
import { parseAddress } from '@/lib/net/allowlist';
import { compileList, referencesOf, type CompiledList, type EntryMeta, type SetContent } from '@/lib/net/allowlist-entries';

/**
 * What the gate reads of a mailbox to decide an address: the list's fingerprint, never the list itself
 * (spec §19; a 1,000-entry list is about 15 KB, TOASTed on PostgreSQL, and read on every request before).
 */
export interface ListSubject {
  /** The mailbox whose list it is. */
  listMailboxId: number;
  accountId: number;
  /** allow_nets IS NOT NULL: false = unrestricted. */
  restricted: boolean;
  /** mailboxes.allow_nets_version, bumped by a trigger with every change to the list, its labels/expiry or its mode. */
  allowNetsVersion: number;
  /** accounts.net_sets_version, bumped in the transaction of every set change; read in the same query. */
  netSetsVersion: number;
}

/*
 * Compiled lists, memoised so a request never reads, parses or compiles a list it has seen (spec §19).
 * Two maps. `byFingerprint`: (mailbox, allow_nets_version, net_sets_version) → the key of the list's content;
 * both numbers are read from the database on every request and move with every change (a trigger keeps the
 * first, so no write path can forget it), so a change on any instance gives a new fingerprint at the next
 * request, and only then is the list read. `memo`: content key (account, net_sets_version, list and
 * labels/expiry text) → compiled matcher, shared by mailboxes with the same list, as before. Time is the one
 * other input: each compiled list carries its next expiry instant, and a hit at or after it reads and
 * compiles again. Set contents are read after the version, in the same query as the list, so they are never
 * older than the version in the keys. Both maps keep the most recently used entries.
 */
const MEMO_LIMIT = 1000;
const FINGERPRINT_LIMIT = 20_000;
const memo = new Map<string, CompiledList>();
const byFingerprint = new Map<string, string>();
let reads = 0;

async function loadSets(accountId: number, names: string[]): Promise<Map<string, SetContent>> {
  const sets = new Map<string, SetContent>();
  if (names.length === 0) return sets;
  const rows = await getDb()
    .select({ name: netSets.name, allowNets: netSets.allowNets, allowNetsMeta: netSets.allowNetsMeta })
    .from(netSets)
    .where(and(eq(netSets.accountId, accountId), inArray(netSets.name, names)));
  for (const r of rows) sets.set(r.name, { canonical: r.allowNets, meta: r.allowNetsMeta ?? null });
  return sets;
}

function parseMeta(text: string | null): EntryMeta | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  return value && typeof value === 'object' ? (value as EntryMeta) : null;
}

const fingerprintOf = (mailboxId: number, allowNetsVersion: number, netSetsVersion: number) => `${mailboxId}\u0000${allowNetsVersion}\u0000${netSetsVersion}`;
const contentKey = (accountId: number, netSetsVersion: number, allowNets: string, metaText: string | null) => `${accountId}\u0000${netSetsVersion}\u0000${allowNets}\u0000${metaText ?? ''}`;

/** Moves `key` to the recent end of `map`, dropping the least recently used entry past `limit`. */
function remember<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

/** The memoised compiled list under content key `key`, if still current at `now`. */
function memoised(key: string, now: number): CompiledList | undefined {
  const hit = memo.get(key);
  if (hit === undefined || (hit.nextExpiry !== null && now >= hit.nextExpiry)) return undefined;
  // Re-insert so Map order tracks recency and the oldest key is the least recently used.
  remember(memo, key, hit, MEMO_LIMIT);
  return hit;
}

// Run only when the process meets a fingerprint it has not compiled (or at an entry's expiry).
const listStatement = preparedOnce((db) =>
  prepareAs(
    'compiled_list_read',
    db
      .select({
        allowNets: mailboxes.allowNets,
        allowNetsMetaText: sql<string | null>`${mailboxes.allowNetsMeta}`,
        allowNetsVersion: mailboxes.allowNetsVersion,
        accountId: mailboxes.accountId,
        netSetsVersion: accounts.netSetsVersion,
      })
      .from(mailboxes)
      .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
      .where(eq(mailboxes.id, sql.placeholder('id'))),
  ),
);

/**
 * Reads the mailbox's list as it is now (with the versions read in the same statement), compiles it or
 * takes the compiled form of the same content, and remembers it under the fingerprint read: never older
 * than the fingerprint the request read. null = unrestricted (or the mailbox is gone).
 */
async function readAndCompile(mailboxId: number, now: number): Promise<CompiledList | null> {
  reads += 1;
  const [row] = await listStatement().execute({ id: mailboxId });
  if (!row || row.allowNets === null) return null;
  const key = contentKey(row.accountId, row.netSetsVersion, row.allowNets, row.allowNetsMetaText);
  let compiled = memoised(key, now);
  if (compiled === undefined) {
    compiled = compileList({ canonical: row.allowNets, meta: parseMeta(row.allowNetsMetaText) }, await loadSets(row.accountId, referencesOf(row.allowNets)), now);
    remember(memo, key, compiled, MEMO_LIMIT);
  }
  remember(byFingerprint, fingerprintOf(mailboxId, row.allowNetsVersion, row.netSetsVersion), key, FINGERPRINT_LIMIT);
  return compiled;
}

/** The compiled list for this fingerprint at `now`, if the process has it (no database access). */
function known(subject: ListSubject, now: number): CompiledList | undefined {
  const key = byFingerprint.get(fingerprintOf(subject.listMailboxId, subject.allowNetsVersion, subject.netSetsVersion));
  return key === undefined ? undefined : memoised(key, now);
}

/** The list compiled at `now` (null = unrestricted); read and compiled again only after a change or at an expiry. */
export async function compiledListFor(subject: ListSubject, now: number = Date.now()): Promise<CompiledList | null> {
  if (!subject.restricted) return null;
  return known(subject, now) ?? (await readAndCompile(subject.listMailboxId, now));
}

/**
 * Whether the subject's current list admits the address at `now`: NULL list = unrestricted, unknown address =
 * denied. Answered at once (no promise) when the list is unrestricted or its fingerprint is known and its
 * compiled form current, as on nearly every request: each promise costs the async-context hooks of every
 * store in use.
 */
export function listAllows(subject: ListSubject, address: string | null, now: number = Date.now()): boolean | Promise<boolean> {
  if (!subject.restricted) return true;
  const hit = known(subject, now);
  if (hit !== undefined) return hit.allowlist.allows(parseAddress(address));
  return readAndCompile(subject.listMailboxId, now).then((compiled) => compiled === null || compiled.allowlist.allows(parseAddress(address)));
}

/** How many times this process has read a list since it started (tests: a known fingerprint reads nothing). */
export function listReads(): number {
  return reads;
}

/**
 * The canonical networks in force at `now` (sets expanded, expired entries left out), for `mail.get`'s
 * `allow_nets_effective` and the admin page; null = unrestricted, [] = the list admits nobody.
 */
export async function effectiveNetworks(accountId: number, list: { allowNets: string | null; allowNetsMeta: EntryMeta | null }, now: number = Date.now()): Promise<string[] | null> {
  if (list.allowNets === null) return null;
  const compiled = compileList({ canonical: list.allowNets, meta: list.allowNetsMeta }, await loadSets(accountId, referencesOf(list.allowNets)), now);
  return [...compiled.effective];
}

/** A network in force for a mailbox and when it stops being admitted (null = no expiry). */
export interface NetworkInForce {
  net: string;
  expiresAt: number | null;
}

/**
 * What a mailbox's own user is shown of their list (spec §23, `/account` and a mail-level `mail.get`): the
 * networks in force at `now` with when each stops applying, sets expanded. Labels and `@name`s are the
 * admin's words about the list and stay out. null = unrestricted, [] = the list admits nobody.
 */
export async function networksInForce(accountId: number, list: { allowNets: string | null; allowNetsMeta: EntryMeta | null }, now: number = Date.now()): Promise<NetworkInForce[] | null> {
  if (list.allowNets === null) return null;
  const compiled = compileList({ canonical: list.allowNets, meta: list.allowNetsMeta }, await loadSets(accountId, referencesOf(list.allowNets)), now);
  return compiled.effective.map((net, i) => ({ net, expiresAt: compiled.effectiveUntil[i] ?? null }));
}

import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { netSets } from '@/db/schema';
import { getDb } from '@/db';
import { parseAddress } from '@/lib/net/allowlist';
import { compileList, referencesOf, type CompiledList, type EntryMeta, type SetContent } from '@/lib/net/allowlist-entries';

/** What the gate reads of a mailbox (or anything else with a list) to decide an address. */
export interface ListSubject {
  accountId: number;
  /** Canonical list with `@name` references; null = unrestricted. */
  allowNets: string | null;
  /** allow_nets_meta exactly as stored (JSON text), so the memo key costs no parsing. */
  allowNetsMetaText: string | null;
  /** accounts.net_sets_version, read in the same query as the list. */
  netSetsVersion: number;
}

/*
 * Compiled lists, memoised so a request never parses or compiles (the 1,000 most recently used).
 * What may be cached: the compiled matcher of one list version. The key is everything the result depends
 * on — the account, its net_sets_version (bumped in the transaction of every set change), the stored list
 * and its labels/expiry text — and all of it is read from the database on every request, so a change to
 * the list or to any set of the account gives a new key at the next request, on every instance. Time is
 * the one other input: each entry carries the next expiry instant, and a hit at or after it compiles again.
 * Set contents are read after the version, in the same synchronous process, so they are never older than
 * the version in the key.
 */
const MEMO_LIMIT = 1000;
const memo = new Map<string, CompiledList>();

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

const memoKey = (subject: ListSubject) => `${subject.accountId}\u0000${subject.netSetsVersion}\u0000${subject.allowNets}\u0000${subject.allowNetsMetaText ?? ''}`;

/** The memoised compiled list under `key`, if still current at `now`. */
function memoised(key: string, now: number): CompiledList | undefined {
  const hit = memo.get(key);
  if (hit === undefined || (hit.nextExpiry !== null && now >= hit.nextExpiry)) return undefined;
  // Re-insert so Map order tracks recency and the oldest key is the least recently used.
  memo.delete(key);
  memo.set(key, hit);
  return hit;
}

/** The list compiled at `now` (null = unrestricted); compiled again only after a change or at an expiry. */
export async function compiledListFor(subject: ListSubject, now: number = Date.now()): Promise<CompiledList | null> {
  if (subject.allowNets === null) return null;
  const key = memoKey(subject);
  const hit = memoised(key, now);
  if (hit !== undefined) return hit;
  const compiled = compileList(
    { canonical: subject.allowNets, meta: parseMeta(subject.allowNetsMetaText) },
    await loadSets(subject.accountId, referencesOf(subject.allowNets)),
    now,
  );
  memo.delete(key);
  memo.set(key, compiled);
  if (memo.size > MEMO_LIMIT) {
    const oldest = memo.keys().next();
    if (!oldest.done) memo.delete(oldest.value);
  }
  return compiled;
}

/**
 * Whether the subject's current list admits the address at `now`: NULL list = unrestricted, unknown address =
 * denied. Answered at once (no promise) when the list is unrestricted or its compiled form is memoised and
 * current, as on nearly every request: each promise costs the async-context hooks of every store in use.
 */
export function listAllows(subject: ListSubject, address: string | null, now: number = Date.now()): boolean | Promise<boolean> {
  if (subject.allowNets === null) return true;
  const hit = memoised(memoKey(subject), now);
  if (hit !== undefined) return hit.allowlist.allows(parseAddress(address));
  return compiledListFor(subject, now).then((compiled) => compiled === null || compiled.allowlist.allows(parseAddress(address)));
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

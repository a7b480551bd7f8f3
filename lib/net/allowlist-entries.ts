/*
 * Allowlist entries with labels and expiry, `@name` references to named network sets, and compiling a
 * list (with the sets it references) into the fast matcher of ./allowlist.ts. Spec §15, docs/allowlists.md.
 *
 * Browser-safe on purpose (no `server-only`, no Node APIs): the admin's entries editor validates rows and
 * evaluates drafts with these same functions. Time is always passed in (`now`, milliseconds), never read
 * here, so expiry is tested at the exact instant with an injected clock.
 *
 * Storage model: the list itself stays the canonical `allow_nets` string (networks and `@name` in order, so
 * the plain string round-trips unchanged for existing scripts); labels and expiry are a side map keyed by
 * the canonical entry text (`EntryMeta`). A network that stays in a list keeps its label and expiry.
 */
import type { EntryInfo, EntryMeta } from './entry-types';
import {
  compileAllowlist,
  describeErrors,
  MAX_ENTRIES,
  parseAllowNets,
  type Allowlist,
  type EntryError,
  type EntryWarning,
  type NetEntry,
  type SetReferences,
} from './allowlist';
import { entryError } from './allowlist-problems';

/** Most characters of an entry label (spec §15). */
export const MAX_LABEL_CHARS = 100;
/** Longest text one row's network may have (an IPv6 network with prefix is at most 49 characters). */
export const MAX_NET_CHARS = 100;

// The stored shape of `allow_nets_meta` is the schema's; re-exported for the code above db/.
export type { EntryInfo, EntryMeta } from './entry-types';

/** One entry as the editor, the API and the CLI see it. */
export interface ListEntry {
  /** A canonical network or `@name`. */
  net: string;
  label: string | null;
  expiresAt: number | null;
}

/** One row as typed (the editor) or sent (the API's `allow_nets_entries`). */
export interface EntryInput {
  net: string;
  label?: string | null;
  /** Milliseconds since the epoch, or null/absent for "never". */
  expiresAt?: number | null;
}

/** A stored list: the canonical string (null = unrestricted) and its labels and expiry. */
export interface StoredList {
  canonical: string | null;
  meta: EntryMeta | null;
}

export type EntriesParse =
  | { ok: true; canonical: string | null; meta: EntryMeta | null; entries: ListEntry[]; references: string[]; warnings: EntryWarning[] }
  | { ok: false; errors: EntryError[]; warnings: EntryWarning[] };

function cleanLabel(label: string | null | undefined): string | null {
  if (label === null || label === undefined) return null;
  // Labels are shown on one line in lists and tooltips.
  const text = label.replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

function infoOf(label: string | null, expiresAt: number | null): EntryInfo | null {
  if (label === null && expiresAt === null) return null;
  const info: EntryInfo = {};
  if (label !== null) info.label = label;
  if (expiresAt !== null) info.expiresAt = expiresAt;
  return info;
}

/**
 * Validates rows (network or `@name`, label, expiry) into a stored list. Duplicate networks collapse (the
 * first row's label and expiry win); a row may hold exactly one entry. Every bad row is reported, naming it.
 */
export function parseEntries(rows: readonly EntryInput[], references: SetReferences): EntriesParse {
  if (!Array.isArray(rows)) return { ok: false, errors: [entryError('', 'entries_not_list')], warnings: [] };
  if (rows.length > MAX_ENTRIES) {
    return { ok: false, errors: [entryError('', 'too_many_entries', { count: rows.length, max: MAX_ENTRIES })], warnings: [] };
  }
  const errors: EntryError[] = [];
  const warnings: EntryWarning[] = [];
  const entries: ListEntry[] = [];
  const refs: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const net = typeof row?.net === 'string' ? row.net.trim() : '';
    if (net === '') {
      // An empty row in the editor is ignored like an empty entry between commas, unless it carries a label.
      if (cleanLabel(row?.label) !== null) errors.push(entryError('', 'label_needs_net'));
      continue;
    }
    if (net.length > MAX_NET_CHARS) {
      errors.push(entryError(net, 'entry_too_long', { max: MAX_NET_CHARS }));
      continue;
    }
    if (/[\s,]/.test(net)) {
      errors.push(entryError(net, 'one_per_row'));
      continue;
    }
    const parsed = parseAllowNets(net, { references });
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    warnings.push(...parsed.warnings);
    const text = parsed.canonical ?? '';
    if (row.label != null && typeof row.label !== 'string') {
      errors.push(entryError(net, 'label_not_text'));
      continue;
    }
    const label = cleanLabel(row.label);
    if (label !== null && label.length > MAX_LABEL_CHARS) {
      errors.push(entryError(net, 'label_too_long', { max: MAX_LABEL_CHARS }));
      continue;
    }
    const expiresAt = row.expiresAt ?? null;
    if (expiresAt !== null && (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt) || expiresAt < 0)) {
      errors.push(entryError(net, 'expiry_invalid'));
      continue;
    }
    if (seen.has(text)) continue;
    seen.add(text);
    if (parsed.references.length > 0) refs.push(...parsed.references);
    entries.push({ net: text, label, expiresAt });
  }
  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, ...toStored(entries), entries, references: refs, warnings };
}

/** The stored form of entries (already canonical): the string and the side map of labels and expiry. */
export function toStored(entries: readonly ListEntry[]): StoredList {
  if (entries.length === 0) return { canonical: null, meta: null };
  const meta: EntryMeta = {};
  let any = false;
  for (const e of entries) {
    const info = infoOf(e.label, e.expiresAt);
    if (info) {
      // eslint-disable-next-line portcullis/no-computed-key-write -- entries are canonical networks (parsed above), never a prototype key.
      meta[e.net] = info;
      any = true;
    }
  }
  return { canonical: entries.map((e) => e.net).join(','), meta: any ? meta : null };
}

/** The entries of a stored list, in order, with their labels and expiry. */
export function entriesOf(list: StoredList): ListEntry[] {
  if (list.canonical === null || list.canonical === '') return [];
  return list.canonical.split(',').map((net) => {
    const info = list.meta?.[net];
    return { net, label: info?.label ?? null, expiresAt: info?.expiresAt ?? null };
  });
}

/**
 * A plain string replacing a stored list: networks that stay keep their label and expiry, new ones have
 * none, removed ones take theirs with them. (So a script that reads `allow_nets` and writes it back
 * changes nothing.)
 */
export function parsePlainKeepingInfo(input: string | null | undefined, previous: EntryMeta | null, references: SetReferences): EntriesParse {
  const parsed = parseAllowNets(input, { references });
  if (!parsed.ok) return parsed;
  const entries = entriesOf({ canonical: parsed.canonical, meta: previous });
  return { ok: true, ...toStored(entries), entries, references: parsed.references, warnings: parsed.warnings };
}

/** Whether an entry has expired at `now` (it stops matching at its expiry instant). */
export function isExpired(entry: { expiresAt: number | null }, now: number): boolean {
  return entry.expiresAt !== null && entry.expiresAt <= now;
}

/** The networks a stored set contributes (sets hold networks only, no `@name`). */
export interface SetContent {
  canonical: string;
  meta: EntryMeta | null;
}

/** A list compiled at one instant: valid until `nextExpiry` (null = until the list or a set changes). */
export interface CompiledList {
  readonly allowlist: Allowlist;
  readonly nextExpiry: number | null;
  /** Networks in force (own and from sets, expired ones left out), canonical, without duplicates. */
  readonly effective: readonly string[];
  /**
   * When each network of `effective` (same order) stops being admitted: the latest expiry among the entries
   * that admit it, null = no expiry. This is what the mailbox user is shown of their list (spec §23): no
   * labels, no set names.
   */
  readonly effectiveUntil: readonly (number | null)[];
}

function netEntriesOf(canonical: string, references: SetReferences): NetEntry[] {
  const parsed = parseAllowNets(canonical, { references });
  if (!parsed.ok) throw new Error(`compileList: invalid stored list: ${describeErrors(parsed.errors)}`);
  return parsed.entries;
}

/**
 * Compiles a restricted list (canonical not null) with the sets it references into the binary-search
 * matcher, leaving out entries expired at `now` and recording the next expiry instant, at which the
 * caller must compile again. A reference to a set that no longer exists contributes nothing (fail closed),
 * and a list whose entries have all expired admits nobody: expiry never lifts a restriction.
 */
export function compileList(list: { canonical: string; meta: EntryMeta | null }, sets: ReadonlyMap<string, SetContent>, now: number): CompiledList {
  const active: NetEntry[] = [];
  const until: (number | null)[] = [];
  // Network text -> its index in `active`.
  const seen = new Map<string, number>();
  let nextExpiry: number | null = null;
  const take = (entries: NetEntry[], meta: EntryMeta | null, setExpiry: number | null) => {
    for (const entry of entries) {
      const own = meta?.[entry.text]?.expiresAt ?? null;
      // An entry of a set referenced with an expiry ends at the earlier of the two instants.
      const expiresAt = own === null ? setExpiry : setExpiry === null ? own : Math.min(own, setExpiry);
      if (expiresAt !== null) {
        if (expiresAt <= now) continue;
        if (nextExpiry === null || expiresAt < nextExpiry) nextExpiry = expiresAt;
      }
      const index = seen.get(entry.text);
      if (index !== undefined) {
        // Admitted by several entries: it stays until the last of them ends (null = never).
        const previous = until[index]!;
        if (previous !== null) until[index] = expiresAt === null ? null : Math.max(previous, expiresAt);
        continue;
      }
      seen.set(entry.text, active.length);
      active.push(entry);
      until.push(expiresAt);
    }
  };
  take(netEntriesOf(list.canonical, 'any'), list.meta, null);
  for (const token of list.canonical.split(',')) {
    if (!token.startsWith('@')) continue;
    const refExpiry = list.meta?.[token]?.expiresAt ?? null;
    if (refExpiry !== null && refExpiry <= now) continue;
    if (refExpiry !== null && (nextExpiry === null || refExpiry < nextExpiry)) nextExpiry = refExpiry;
    const set = sets.get(token.slice(1));
    if (!set || set.canonical === '') continue;
    take(netEntriesOf(set.canonical, 'none'), set.meta, refExpiry);
  }
  // A network admitted both without expiry and with one stays after that expiry; recompiling then is
  // harmless (the result is the same list), so nextExpiry may be earlier than strictly needed.
  return { allowlist: compileAllowlist(active), nextExpiry, effective: active.map((e) => e.text), effectiveUntil: until };
}

/** The `@name`s a stored list references, in order. */
export function referencesOf(canonical: string | null): string[] {
  if (canonical === null) return [];
  return canonical.split(',').filter((t) => t.startsWith('@')).map((t) => t.slice(1));
}

/**
 * Parses an expiry as typed or sent (ISO 8601 with a time zone, or the editor's local date-time already
 * converted); `error` is the row's problem, naming the row by `entry`.
 */
export function parseExpiry(text: string | null | undefined, entry = ''): number | null | { error: EntryError } {
  if (text === null || text === undefined || text.trim() === '') return null;
  const value = text.trim();
  if (value.length > 40 || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/.test(value)) {
    return { error: entryError(entry, 'expiry_format') };
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? { error: entryError(entry, 'expiry_format') } : ms;
}

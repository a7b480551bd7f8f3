/*
 * Network allowlists (`allow_nets`, `TRUSTED_PROXIES`): parse, normalise, match.
 *
 * Browser-safe on purpose (no `server-only`, no Node APIs): the admin page imports this module for live
 * validation, so the browser, the API, the CLI and the request gate all accept exactly the same lists.
 * Rules: docs/allowlists.md and spec §3.
 */
import ipaddr from 'ipaddr.js';
import { entryError, entryWarning, type EntryError, type EntryErrorCode, type EntryWarning, type ProblemValues, type SpecialRangeKind } from './allowlist-problems';

export type { EntryError, EntryErrorCode, EntryWarning, EntryWarningCode, ProblemValues } from './allowlist-problems';

/** Most distinct entries one list may hold (spec §3). */
export const MAX_ENTRIES = 1000;
/** Most UTF-8 bytes one input string may have (spec §3); checked before any parsing. */
export const MAX_INPUT_BYTES = 64 * 1024;

/** One normalised entry; `text` is its canonical form (`203.0.113.7`, `198.51.100.0/24`, `2001:db8::/32`). */
export interface NetEntry {
  readonly text: string;
  readonly family: 4 | 6;
  readonly prefix: number;
}

/** The outcome of {@link parseAllowNets}: the normalised list, or every reason it was rejected. */
export type AllowNetsParse =
  | { ok: true; canonical: string | null; entries: NetEntry[]; references: string[]; warnings: EntryWarning[] }
  | { ok: false; errors: EntryError[]; warnings: EntryWarning[] };

/**
 * A parsed client address with its numeric form precomputed, so a check against a list costs no parsing.
 * IPv6 is held as four unsigned 32-bit words, most significant first.
 */
export type ClientAddress =
  | { readonly family: 4; readonly text: string; readonly value: number }
  | { readonly family: 6; readonly text: string; readonly words: readonly [number, number, number, number] };

/** A compiled list. `allows(null)` is false: an unknown client address never passes a restriction. */
export interface Allowlist {
  readonly size: number;
  allows(address: ClientAddress | null): boolean;
}

type Words = [number, number, number, number];

/** Why one entry is invalid, before it is paired with the entry as typed. */
interface Problem {
  code: EntryErrorCode;
  values?: ProblemValues;
}

/** A parsed entry before deduplication, with the numbers the matcher needs. */
type ParsedNet =
  | { family: 4; prefix: number; start: number; end: number; text: string; hostBits: boolean }
  | { family: 6; prefix: number; start: Words; end: Words; text: string; hostBits: boolean };

const SEPARATORS = /[\s,]+/;
/** A named network set's name (spec §15); a list refers to it as `@name`. */
export const SET_NAME = /^[a-z0-9-]{1,40}$/;

/**
 * Which `@name` references a list may hold: none (TRUSTED_PROXIES, admin lists), any well-formed name
 * (syntax only: the shared schema, before the account's sets are known), or the names of existing sets.
 */
export type SetReferences = 'none' | 'any' | ReadonlySet<string>;

export interface ParseOptions {
  references?: SetReferences;
}
const DECIMAL_DIGITS = /^\d+$/;
const IPV4_ISH = /^[0-9.]+$/;
const IPV4_DECIMAL = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;
// Hex, octal and short IPv4 forms (0x7f.1, 0177.0.0.1, 10.1) are legal for inet_aton but mean different
// things to different tools; an allowlist must be unambiguous, so only four decimal parts are accepted.
const IPV4_OTHER_NOTATION = /^(?=.*\.)[0-9a-fx.]+$/i;
const IPV4_WITH_PORT = /^\d{1,3}(?:\.\d{1,3}){3}:\d*$/;
const IPV6_CHARS = /^[0-9a-f:.]+$/i;
// RFC 6874 allows any unreserved character in a zone id (eth0, br-lan, eth0.100, 3).
const ZONE_ID = /^[\w.~-]+$/;
// Longest legal text: 8 groups of 4 hex digits and 7 colons, or the mixed form with dotted IPv4 (45).
const MAX_IPV6_TEXT = 45;
const MAX_ADDRESS_TEXT = 100;
const SHOWN_ERRORS = 20;
const SHOWN_ENTRY_CHARS = 60;

function v4Mask(prefix: number): number {
  // `<< 32` is a no-op in JavaScript, so /0 needs its own case.
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
}

function v4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** RFC 5952 text: lower-case hex, the longest run of two or more zero groups (the first on a tie) as `::`. */
function v6Text(words: readonly number[]): string {
  // Written out rather than ipaddr.js's toRFC5952String(), which costs more than the rest of parseAddress.
  const parts: number[] = [];
  for (const w of words) parts.push(w >>> 16, w & 0xffff);
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      text += '::';
      i += bestLength - 1;
    } else {
      if (text !== '' && !text.endsWith(':')) text += ':';
      text += (parts[i] ?? 0).toString(16);
    }
  }
  return text;
}

function v6Range(words: readonly number[], prefix: number): { start: Words; end: Words } {
  const start: Words = [0, 0, 0, 0];
  const end: Words = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const mask = v4Mask(Math.min(32, Math.max(0, prefix - 32 * i)));
    const w = words[i] ?? 0;
    start[i] = (w & mask) >>> 0;
    end[i] = (w | ~mask) >>> 0;
  }
  return { start, end };
}

/** Four-part decimal IPv4 only, as a uint32; null for anything else (octal, hex, short forms, leading zeros). */
function parseV4Value(text: string): number | null {
  // The shape says four decimal numbers of one to three digits without a leading zero (what ipaddr.js's
  // isValidFourPartDecimal accepts, written out: every auth_http request and every forwarded hop parses an
  // address, and ipaddr.js's validator cost more than the rest of parseAddress); the loop checks 0-255.
  if (!IPV4_DECIMAL.test(text)) return null;
  let value = 0;
  let part = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      value = value * 256 + part;
      part = 0;
    } else {
      part = part * 10 + (c - 48);
      if (part > 255) return null;
    }
  }
  return value * 256 + part;
}

/**
 * IPv6 without zone id or prefix, as four uint32 words; `dotted` says whether the text ended in dotted IPv4.
 * The dotted tail is converted to hex before ipaddr.js sees it, because ipaddr.js reads that tail with
 * parseInt (so `::ffff:010.1.1.1` would silently become 10.1.1.1) and rewrites `::a.b.c.d` as the
 * IPv4-mapped `::ffff:a.b.c.d`, which is a different address.
 */
function parseV6Words(text: string): { words: Words; dotted: boolean } | null {
  if (text.length > MAX_IPV6_TEXT || !IPV6_CHARS.test(text)) return null;
  let hex = text;
  const dot = text.indexOf('.');
  if (dot !== -1) {
    const colon = text.lastIndexOf(':');
    if (colon === -1 || colon > dot) return null;
    const v4 = parseV4Value(text.slice(colon + 1));
    if (v4 === null) return null;
    hex = `${text.slice(0, colon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  let parts: number[];
  try {
    parts = ipaddr.IPv6.parse(hex).parts;
  } catch {
    return null;
  }
  const words: Words = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) words[i] = (((parts[2 * i] ?? 0) << 16) | (parts[2 * i + 1] ?? 0)) >>> 0;
  return { words, dotted: dot !== -1 };
}

function isV4Mapped(words: readonly number[]): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

function parsePrefix(text: string, max: number): number | Problem {
  if (text === '') return { code: 'prefix_missing' };
  if (text.includes('.') || text.includes(':')) return { code: 'prefix_netmask' };
  if (!DECIMAL_DIGITS.test(text)) return { code: 'prefix_not_number', values: { max } };
  // Leading zeros are rejected like they are in IPv4 parts: nothing needs them, and strict input keeps
  // every tool that reads the stored list in agreement.
  if (text.length > 1 && text.startsWith('0')) return { code: 'prefix_leading_zero' };
  const value = text.length > 3 ? Infinity : Number(text);
  if (value > max) return { code: 'prefix_too_long', values: { prefix: text, max } };
  return value;
}

function describeAddressProblem(address: string): Problem {
  if (address === '') return { code: 'address_missing' };
  if (address.includes('%')) return { code: 'zone_id' };
  if (address.startsWith('[')) return { code: 'brackets' };
  if (IPV4_WITH_PORT.test(address)) return { code: 'port' };
  if (address.includes(':')) return { code: 'ipv6_invalid' };
  if (IPV4_ISH.test(address)) {
    const parts = address.split('.');
    if (parts.length !== 4 || parts.some((p) => p === '')) {
      return { code: 'ipv4_parts' };
    }
    if (parts.some((p) => p.length > 1 && p.startsWith('0'))) {
      return { code: 'ipv4_leading_zero' };
    }
    return { code: 'ipv4_range' };
  }
  if (IPV4_OTHER_NOTATION.test(address)) {
    return { code: 'ipv4_notation' };
  }
  return { code: 'not_an_address' };
}

function isProblem(value: ParsedNet | Problem | number): value is Problem {
  return typeof value === 'object' && 'code' in value;
}

/** Parses one entry (already split and trimmed) to its normalised network, or a reason it is invalid. */
function parseNet(token: string): ParsedNet | Problem {
  const slash = token.indexOf('/');
  if (slash !== token.lastIndexOf('/')) return { code: 'multiple_slashes' };
  const address = slash === -1 ? token : token.slice(0, slash);
  const prefixText = slash === -1 ? null : token.slice(slash + 1);

  if (address.includes(':') && !address.includes('%') && !address.startsWith('[')) {
    const v6 = parseV6Words(address);
    if (v6 === null) return describeAddressProblem(address);
    let prefix = 128;
    if (prefixText !== null) {
      const p = parsePrefix(prefixText, 128);
      if (isProblem(p)) return p;
      prefix = p;
    }
    if (isV4Mapped(v6.words)) {
      if (prefix < 96) {
        return { code: 'mapped_prefix' };
      }
      // Mapped clients are matched as IPv4, so a mapped entry is stored as the IPv4 network it means.
      return v4Net(v6.words[3], prefix - 96);
    }
    if (v6.dotted && v6.words[0] === 0 && v6.words[1] === 0 && v6.words[2] === 0) {
      // `::a.b.c.d` (IPv4-compatible, deprecated by RFC 4291) is an IPv6 address no client uses; whoever
      // types it almost certainly means the IPv4 address.
      return { code: 'ipv4_compatible' };
    }
    const { start, end } = v6Range(v6.words, prefix);
    const hostBits = start.some((w, i) => w !== v6.words[i]);
    const text = prefix === 128 ? v6Text(start) : `${v6Text(start)}/${prefix}`;
    return { family: 6, prefix, start, end, text, hostBits };
  }

  const value = parseV4Value(address);
  if (value === null) return describeAddressProblem(address);
  let prefix = 32;
  if (prefixText !== null) {
    const p = parsePrefix(prefixText, 32);
    if (isProblem(p)) return p;
    prefix = p;
  }
  return v4Net(value, prefix);
}

function v4Net(value: number, prefix: number): ParsedNet {
  const mask = v4Mask(prefix);
  const start = (value & mask) >>> 0;
  const end = (start | ~mask) >>> 0;
  const text = prefix === 32 ? v4Text(start) : `${v4Text(start)}/${prefix}`;
  return { family: 4, prefix, start, end, text, hostBits: start !== value };
}

interface SpecialRange {
  net: ParsedNet;
  code: 'internal_range' | 'never_client_range';
  range: SpecialRangeKind;
}

function internal(network: string, range: SpecialRangeKind): SpecialRange {
  return { net: parseNet(network) as ParsedNet, code: 'internal_range', range };
}

function neverAClient(network: string, range: SpecialRangeKind): SpecialRange {
  return { net: parseNet(network) as ParsedNet, code: 'never_client_range', range };
}

// An entry gets a warning when it lies inside one of these ranges. Wider entries that merely contain
// one (0.0.0.0/1) are not flagged: they are broad on purpose, and /0 has its own warning.
const SPECIAL_V4: SpecialRange[] = [
  neverAClient('0.0.0.0/8', 'this_network'),
  internal('10.0.0.0/8', 'private'),
  internal('100.64.0.0/10', 'cgnat'),
  internal('127.0.0.0/8', 'loopback'),
  internal('169.254.0.0/16', 'link_local'),
  internal('172.16.0.0/12', 'private'),
  internal('192.168.0.0/16', 'private'),
  neverAClient('224.0.0.0/4', 'multicast'),
  neverAClient('240.0.0.0/4', 'reserved'),
];

const SPECIAL_V6: SpecialRange[] = [
  neverAClient('::/128', 'unspecified'),
  internal('::1/128', 'loopback_address'),
  internal('fc00::/7', 'unique_local'),
  internal('fe80::/10', 'link_local'),
  neverAClient('ff00::/8', 'multicast'),
];

function compareWords(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 4; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function within(net: ParsedNet, outer: ParsedNet): boolean {
  if (net.family === 4 && outer.family === 4) return net.start >= outer.start && net.end <= outer.end;
  if (net.family === 6 && outer.family === 6) {
    return compareWords(net.start, outer.start) >= 0 && compareWords(net.end, outer.end) <= 0;
  }
  return false;
}

function warningsFor(token: string, net: ParsedNet): EntryWarning[] {
  const warnings: EntryWarning[] = [];
  if (net.hostBits) {
    warnings.push(entryWarning(net.text, 'host_bits', { typed: token, prefix: net.prefix, network: net.text }));
  }
  if (net.prefix === 0) {
    warnings.push(entryWarning(net.text, 'allows_all', { family: net.family === 4 ? 'IPv4' : 'IPv6' }));
    return warnings;
  }
  for (const range of net.family === 4 ? SPECIAL_V4 : SPECIAL_V6) {
    if (within(net, range.net)) {
      warnings.push(entryWarning(net.text, range.code, { range: range.range }));
      break;
    }
  }
  return warnings;
}

/** UTF-8 length without allocating: the limit must be checkable on a string of any size. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Parses a user-supplied list (spec §3). Empty, blank or null input means "no restriction" (`canonical:
 * null`); otherwise `canonical` is the string to store. Any invalid entry rejects the whole list, and
 * `errors` names every one of them. Warnings are returned either way so the UI can show them live.
 */
export function parseAllowNets(input: string | null | undefined, options: ParseOptions = {}): AllowNetsParse {
  const allowed = options.references ?? 'none';
  if (input === null || input === undefined) return { ok: true, canonical: null, entries: [], references: [], warnings: [] };
  // Callers pass JSON from the API too; a number or array must be an error, not a crash.
  if (typeof input !== 'string') return { ok: false, errors: [entryError('', 'list_not_text')], warnings: [] };
  // A string never has fewer UTF-8 bytes than UTF-16 units, so a long one is rejected without counting.
  if (input.length > MAX_INPUT_BYTES || utf8Length(input) > MAX_INPUT_BYTES) {
    return { ok: false, errors: [entryError('', 'list_too_long', { max: MAX_INPUT_BYTES })], warnings: [] };
  }

  const entries: NetEntry[] = [];
  const references: string[] = [];
  const order: string[] = [];
  const warnings: EntryWarning[] = [];
  const errors: EntryError[] = [];
  const seen = new Set<string>();
  const seenInvalid = new Set<string>();
  for (const token of input.split(SEPARATORS)) {
    if (token === '') continue;
    if (token.startsWith('@')) {
      const ref = parseReference(token, allowed);
      if (typeof ref !== 'string') {
        if (!seenInvalid.has(token)) {
          seenInvalid.add(token);
          errors.push(entryError(token, ref.code, ref.values));
        }
        continue;
      }
      if (seen.has(ref)) continue;
      seen.add(ref);
      references.push(ref.slice(1));
      order.push(ref);
      continue;
    }
    const net = parseNet(token);
    if (isProblem(net)) {
      if (!seenInvalid.has(token)) {
        seenInvalid.add(token);
        // "office" typed where the account has a set @office: say so instead of only "not an IP address".
        const setName = token.toLowerCase();
        const meant = allowed !== 'none' && allowed !== 'any' && allowed.has(setName) ? setName : undefined;
        errors.push(entryError(token, net.code, net.values, meant));
      }
      continue;
    }
    if (seen.has(net.text)) continue;
    seen.add(net.text);
    entries.push({ text: net.text, family: net.family, prefix: net.prefix });
    order.push(net.text);
    warnings.push(...warningsFor(token, net));
  }

  const distinct = order.length + seenInvalid.size;
  if (distinct > MAX_ENTRIES) {
    errors.unshift(entryError('', 'too_many_entries', { count: distinct, max: MAX_ENTRIES }));
  }
  if (errors.length > 0) return { ok: false, errors, warnings };
  const canonical = order.length === 0 ? null : order.join(',');
  return { ok: true, canonical, entries, references, warnings };
}

/** `@name` in its canonical (lower-case) form, or the reason it is not acceptable here. */
function parseReference(token: string, allowed: SetReferences): string | Problem {
  if (allowed === 'none') return { code: 'references_not_allowed' };
  const name = token.slice(1).toLowerCase();
  if (!SET_NAME.test(name)) return { code: 'set_name_rule' };
  if (allowed !== 'any' && !allowed.has(name)) return { code: 'unknown_set', values: { name } };
  return `@${name}`;
}

/**
 * One human-readable line for a form or CLI message. Long lists are cut after 20 errors ("and N more"),
 * and very long entries are shortened; the `errors` array itself always holds all of them in full.
 */
export function describeErrors(errors: readonly EntryError[]): string {
  const shown = errors.slice(0, SHOWN_ERRORS).map(({ entry, reason }) => {
    if (entry === '') return reason;
    const short = entry.length > SHOWN_ENTRY_CHARS ? `${entry.slice(0, SHOWN_ENTRY_CHARS)}…` : entry;
    return `${JSON.stringify(short)}: ${reason}`;
  });
  const hidden = errors.length - shown.length;
  if (hidden > 0) shown.push(`and ${formatCount(hidden)} more invalid ${hidden === 1 ? 'entry' : 'entries'}`);
  return shown.join('; ');
}

/**
 * Parses one client address as reported by a socket or a proxy: four-part decimal IPv4 or IPv6.
 * An IPv4-mapped IPv6 address becomes IPv4 and an IPv6 zone id is dropped, so both spellings of one client
 * match the same entries. Anything else (CIDR, ports, brackets, leading zeros, whitespace) is null.
 */
export function parseAddress(text: string | null | undefined): ClientAddress | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_ADDRESS_TEXT) return null;
  if (!text.includes(':')) {
    const value = parseV4Value(text);
    return value === null ? null : { family: 4, text, value };
  }
  let address = text;
  const percent = text.indexOf('%');
  if (percent !== -1) {
    if (!ZONE_ID.test(text.slice(percent + 1))) return null;
    address = text.slice(0, percent);
  }
  const v6 = parseV6Words(address);
  if (v6 === null) return null;
  const { words } = v6;
  if (isV4Mapped(words)) return { family: 4, text: v4Text(words[3]), value: words[3] };
  return { family: 6, text: v6Text(words), words };
}

class CompiledAllowlist implements Allowlist {
  readonly size: number;
  // Disjoint ranges sorted by start; v6 arrays hold four words per range.
  private readonly v4Start: Uint32Array;
  private readonly v4End: Uint32Array;
  private readonly v6Start: Uint32Array;
  private readonly v6End: Uint32Array;
  private readonly v6Count: number;

  constructor(size: number, v4: [number, number][], v6: { start: Words; end: Words }[]) {
    this.size = size;
    this.v4Start = Uint32Array.from(v4, (r) => r[0]);
    this.v4End = Uint32Array.from(v4, (r) => r[1]);
    this.v6Count = v6.length;
    this.v6Start = new Uint32Array(v6.length * 4);
    this.v6End = new Uint32Array(v6.length * 4);
    v6.forEach((r, i) => {
      this.v6Start.set(r.start, i * 4);
      this.v6End.set(r.end, i * 4);
    });
  }

  allows(address: ClientAddress | null): boolean {
    if (address === null) return false;
    if (address.family === 4) return this.allows4(address.value);
    const w = address.words;
    return this.allows6(w[0], w[1], w[2], w[3]);
  }

  private allows4(x: number): boolean {
    const starts = this.v4Start;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] ?? 0) <= x) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found !== -1 && x <= (this.v4End[found] ?? 0);
  }

  private allows6(x0: number, x1: number, x2: number, x3: number): boolean {
    const s = this.v6Start;
    let lo = 0;
    let hi = this.v6Count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (lessOrEqual(s, mid * 4, x0, x1, x2, x3)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found === -1) return false;
    const e = this.v6End;
    const b = found * 4;
    // x <= end, written as "not end < x".
    let d = (e[b] ?? 0) - x0;
    if (d !== 0) return d > 0;
    d = (e[b + 1] ?? 0) - x1;
    if (d !== 0) return d > 0;
    d = (e[b + 2] ?? 0) - x2;
    if (d !== 0) return d > 0;
    return (e[b + 3] ?? 0) >= x3;
  }
}

/** Whether the four words at `arr[b..b+3]` are <= x, compared as one 128-bit number. */
function lessOrEqual(arr: Uint32Array, b: number, x0: number, x1: number, x2: number, x3: number): boolean {
  let d = (arr[b] ?? 0) - x0;
  if (d !== 0) return d < 0;
  d = (arr[b + 1] ?? 0) - x1;
  if (d !== 0) return d < 0;
  d = (arr[b + 2] ?? 0) - x2;
  if (d !== 0) return d < 0;
  return (arr[b + 3] ?? 0) <= x3;
}

/**
 * Compiles entries into sorted, merged ranges so a check is a binary search (O(log n), no allocation).
 * Throws on an entry that is not canonical, which only happens when a NetEntry was built by hand wrongly.
 */
export function compileAllowlist(entries: readonly NetEntry[]): Allowlist {
  const v4: [number, number][] = [];
  const v6: { start: Words; end: Words; prefix: number }[] = [];
  for (const entry of entries) {
    const net = parseNet(entry.text);
    if (isProblem(net) || net.text !== entry.text || net.family !== entry.family || net.prefix !== entry.prefix) {
      throw new TypeError(`compileAllowlist: ${JSON.stringify(entry)} is not a canonical entry`);
    }
    if (net.family === 4) v4.push([net.start, net.end]);
    else v6.push({ start: net.start, end: net.end, prefix: net.prefix });
  }

  v4.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged4: [number, number][] = [];
  for (const [start, end] of v4) {
    const last = merged4[merged4.length - 1];
    // Adjacent ranges merge too (`+ 1` cannot overflow: these are doubles, not int32).
    if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged4.push([start, end]);
  }

  // CIDR blocks either nest or are disjoint, so after sorting by start (wider first on ties) a block that
  // starts inside the previously kept one lies wholly inside it and can be dropped.
  v6.sort((a, b) => compareWords(a.start, b.start) || a.prefix - b.prefix);
  const kept6: { start: Words; end: Words }[] = [];
  for (const range of v6) {
    const last = kept6[kept6.length - 1];
    if (last === undefined || compareWords(range.start, last.end) > 0) kept6.push(range);
  }

  return new CompiledAllowlist(entries.length, merged4, kept6);
}

const MEMO_LIMIT = 500;
const memo = new Map<string, Allowlist>();

/**
 * The compiled form of a stored list, memoised (the 500 most recently used) so a request never re-parses
 * one. Throws on an invalid string, including "": an unrestricted mailbox stores NULL and must be handled
 * before calling this, never by an empty list that would deny everyone.
 */
export function allowlistFor(canonical: string): Allowlist {
  const hit = memo.get(canonical);
  if (hit !== undefined) {
    // Re-insert so Map order tracks recency and the oldest key is the least recently used.
    memo.delete(canonical);
    memo.set(canonical, hit);
    return hit;
  }
  const parsed = parseAllowNets(canonical);
  if (!parsed.ok) throw new Error(`allowlistFor: invalid stored list: ${describeErrors(parsed.errors)}`);
  if (parsed.entries.length === 0) throw new Error('allowlistFor: an empty list is not a valid stored list');
  const compiled = compileAllowlist(parsed.entries);
  memo.set(canonical, compiled);
  if (memo.size > MEMO_LIMIT) {
    const oldest = memo.keys().next();
    if (!oldest.done) memo.delete(oldest.value);
  }
  return compiled;
}

/**
 * Whether a plain stored list (networks only: no sets, labels or expiry, as an admin's own list and an app
 * password's are) admits the address; NULL = unrestricted, unknown address = denied. Pure, so that services
 * and the gate share it without importing each other.
 */
export function plainListAllows(allowNets: string | null, address: string | null): boolean {
  if (allowNets === null) return true;
  return allowlistFor(allowNets).allows(parseAddress(address));
}

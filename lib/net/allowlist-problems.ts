/*
 * What is wrong with an allowlist entry (an error) or probably not meant (a warning), as a code with its
 * values, plus the one English rendering that the JSON-RPC API, the CLI and the environment check answer
 * with (a machine contract that scripts match on). Pages word the code and values in the reader's language
 * from the catalogues (lib/i18n/allowlist-problems.ts); a unit test holds the English catalogue to the words
 * below, so both renderings say the same thing.
 *
 * Browser-safe on purpose (no `server-only`, no Node APIs), like the parser that produces these.
 */

/** Why an entry (or, with `entry: ""`, the whole list) was rejected. */
export type EntryErrorCode =
  | 'multiple_slashes'
  | 'prefix_missing'
  | 'prefix_netmask'
  | 'prefix_not_number'
  | 'prefix_leading_zero'
  | 'prefix_too_long'
  | 'address_missing'
  | 'zone_id'
  | 'brackets'
  | 'port'
  | 'ipv6_invalid'
  | 'ipv4_parts'
  | 'ipv4_leading_zero'
  | 'ipv4_range'
  | 'ipv4_notation'
  | 'not_an_address'
  | 'mapped_prefix'
  | 'ipv4_compatible'
  | 'list_not_text'
  | 'list_too_long'
  | 'too_many_entries'
  | 'references_not_allowed'
  | 'set_name_rule'
  | 'unknown_set'
  | 'set_in_set'
  | 'entries_not_list'
  | 'label_needs_net'
  | 'entry_too_long'
  | 'one_per_row'
  | 'label_not_text'
  | 'label_too_long'
  | 'expiry_invalid'
  | 'expiry_format';

/** Why an accepted entry probably does not do what was meant. */
export type EntryWarningCode = 'host_bits' | 'allows_all' | 'internal_range' | 'never_client_range';

/** The special ranges a warning names (`values.range` of `internal_range` and `never_client_range`). */
export type SpecialRangeKind =
  | 'this_network'
  | 'private'
  | 'cgnat'
  | 'loopback'
  | 'link_local'
  | 'multicast'
  | 'reserved'
  | 'unspecified'
  | 'loopback_address'
  | 'unique_local';

/** The numbers and texts a problem's wording needs (prefix lengths, limits, the entry as typed …). */
export type ProblemValues = Readonly<Record<string, string | number>>;

/** An entry that was rejected; `entry` is the entry as typed (or "" for a whole-list limit). */
export interface EntryError {
  readonly entry: string;
  readonly code: EntryErrorCode;
  readonly values: ProblemValues;
  /** A set name the entry probably meant ("office" typed where the account has @office). */
  readonly suggestion?: string;
  /** The English wording (API, CLI, logs). */
  readonly reason: string;
}

/** An accepted entry that probably does not do what was meant; `entry` is its canonical text. */
export interface EntryWarning {
  readonly entry: string;
  readonly code: EntryWarningCode;
  readonly values: ProblemValues;
  /** The English wording (API, CLI, logs). */
  readonly message: string;
}

/** Thousands with a comma, as the English texts write them (the same in every runtime). */
function count(value: string | number | undefined): string {
  return Number(value ?? 0).toLocaleString('en-US');
}

const ERRORS: { readonly [C in EntryErrorCode]: (v: ProblemValues) => string } = {
  multiple_slashes: () => 'only one "/" is allowed, as in 10.0.0.0/8',
  prefix_missing: () => 'a "/" must be followed by a prefix length, like /24',
  prefix_netmask: () => 'write a prefix length (like /24), not a netmask',
  prefix_not_number: (v) => `prefix length must be a whole number between 0 and ${v.max}`,
  prefix_leading_zero: () => 'prefix length must be written without leading zeros',
  prefix_too_long: (v) => `prefix length must be between 0 and ${v.max}`,
  address_missing: () => 'an address is missing before "/"',
  zone_id: () => 'zone ids (like %eth0) are not allowed in a list',
  brackets: () => 'write IPv6 addresses without brackets',
  port: () => 'port numbers are not allowed, write the address only',
  ipv6_invalid: () => 'not a valid IPv6 address',
  ipv4_parts: () => 'an IPv4 address must have four numbers separated by dots, like 192.0.2.1',
  ipv4_leading_zero: () => 'IPv4 numbers must be written without leading zeros (they could be read as octal)',
  ipv4_range: () => 'each number of an IPv4 address must be between 0 and 255',
  ipv4_notation: () => 'an IPv4 address must have four decimal numbers separated by dots, like 192.0.2.1',
  not_an_address: () => 'not an IP address or network',
  mapped_prefix: () => 'an IPv4-mapped network (::ffff:…) needs a prefix length of at least 96 (or write it as an IPv4 network)',
  ipv4_compatible: () => 'the IPv4-compatible form ::a.b.c.d is deprecated (write the IPv4 address a.b.c.d instead)',
  list_not_text: () => 'the list must be text',
  list_too_long: (v) => `the list is longer than ${count(v.max)} bytes (64 KiB), shorten it (for example by combining addresses into networks)`,
  too_many_entries: (v) => `the list has ${count(v.count)} entries but at most ${count(v.max)} are allowed (combine addresses into networks)`,
  references_not_allowed: () => 'network set references (@name) are not allowed here',
  set_name_rule: () => 'a network set is written @name, the name being 1 to 40 lower-case letters, digits or dashes',
  unknown_set: (v) => `unknown network set "@${v.name}"`,
  set_in_set: () => 'a network set cannot contain another set',
  entries_not_list: () => 'the entries must be a list',
  label_needs_net: () => 'a row with a label needs a network or @set',
  entry_too_long: (v) => `an entry is at most ${v.max} characters`,
  one_per_row: () => 'write one network or @set per row',
  label_not_text: () => 'the label must be text',
  label_too_long: (v) => `the label is longer than ${v.max} characters`,
  expiry_invalid: () => 'the expiry must be a date and time',
  expiry_format: () => 'an expiry is a date and time with its time zone, like 2026-12-31T18:00:00Z',
};

const INTERNAL =
  'only people inside your own network (or on this server) use such addresses; people signing in over the internet never do, so add the public address of your office instead';
const NEVER_A_CLIENT = 'no client connects from these addresses, so this entry never matches';

/** The English names of the special ranges. */
export const SPECIAL_RANGE_NAMES: { readonly [K in SpecialRangeKind]: string } = {
  this_network: '"This network" range (0.0.0.0/8)',
  private: 'Private range (RFC 1918)',
  cgnat: 'Carrier-grade NAT range (RFC 6598)',
  loopback: 'Loopback range',
  link_local: 'Link-local range',
  multicast: 'Multicast range',
  reserved: 'Reserved range (including broadcast)',
  unspecified: 'Unspecified address',
  loopback_address: 'Loopback address',
  unique_local: 'Unique local range (fc00::/7)',
};

function rangeName(value: string | number | undefined): string {
  return SPECIAL_RANGE_NAMES[value as SpecialRangeKind] ?? String(value);
}

const WARNINGS: { readonly [C in EntryWarningCode]: (v: ProblemValues) => string } = {
  host_bits: (v) => `"${v.typed}" has host bits set (bits after the first ${v.prefix}); it was read as the whole network ${v.network}`,
  allows_all: (v) => `Allows every ${v.family} address, so ${v.family} sign-ins are not restricted at all`,
  internal_range: (v) => `${rangeName(v.range)}: ${INTERNAL}`,
  never_client_range: (v) => `${rangeName(v.range)}: ${NEVER_A_CLIENT}`,
};

/** Every error code, in a stable order (tests and the catalogue wording check each). */
export const ENTRY_ERROR_CODES = Object.keys(ERRORS) as EntryErrorCode[];
/** Every warning code. */
export const ENTRY_WARNING_CODES = Object.keys(WARNINGS) as EntryWarningCode[];

/** The English text of an error's code and values, with the "did you mean" hint when there is one. */
export function englishEntryError(code: EntryErrorCode, values: ProblemValues = {}, suggestion?: string): string {
  const base = ERRORS[code](values);
  return suggestion === undefined ? base : `${base}: did you mean @${suggestion}?`;
}

/** The English text of a warning's code and values. */
export function englishEntryWarning(code: EntryWarningCode, values: ProblemValues = {}): string {
  return WARNINGS[code](values);
}

/** An error with its English wording filled in. */
export function entryError(entry: string, code: EntryErrorCode, values: ProblemValues = {}, suggestion?: string): EntryError {
  const reason = englishEntryError(code, values, suggestion);
  return suggestion === undefined ? { entry, code, values, reason } : { entry, code, values, suggestion, reason };
}

/** A warning with its English wording filled in. */
export function entryWarning(entry: string, code: EntryWarningCode, values: ProblemValues = {}): EntryWarning {
  return { entry, code, values, message: englishEntryWarning(code, values) };
}

// Browser-safe, and no catalogue import: the live validation in the browser words problems with the
// translator it already has (`useTranslations('AllowlistProblems')`), so no language's whole catalogue is
// bundled for it; server code passes `getTranslations('AllowlistProblems')`.
import type { EntryError, EntryErrorCode, EntryWarning, EntryWarningCode, SpecialRangeKind } from '@/lib/net/allowlist-problems';
import type { Messages } from './catalogues';

type ProblemKey = keyof Messages['AllowlistProblems'];

/** A translator of the namespace 'AllowlistProblems' (from useTranslations, getTranslations or createTranslator). */
export type ProblemWords = (key: ProblemKey, values?: Record<string, string | number>) => string;

/** Each parser code's catalogue key (namespace 'AllowlistProblems'); the type makes a new code fail to compile until it has words. */
const ERROR_KEYS: { readonly [C in EntryErrorCode]: ProblemKey } = {
  multiple_slashes: 'multipleSlashes',
  prefix_missing: 'prefixMissing',
  prefix_netmask: 'prefixNetmask',
  prefix_not_number: 'prefixNotNumber',
  prefix_leading_zero: 'prefixLeadingZero',
  prefix_too_long: 'prefixTooLong',
  address_missing: 'addressMissing',
  zone_id: 'zoneId',
  brackets: 'brackets',
  port: 'port',
  ipv6_invalid: 'ipv6Invalid',
  ipv4_parts: 'ipv4Parts',
  ipv4_leading_zero: 'ipv4LeadingZero',
  ipv4_range: 'ipv4Range',
  ipv4_notation: 'ipv4Notation',
  not_an_address: 'notAnAddress',
  mapped_prefix: 'mappedPrefix',
  ipv4_compatible: 'ipv4Compatible',
  list_not_text: 'listNotText',
  list_too_long: 'listTooLong',
  too_many_entries: 'tooManyEntries',
  references_not_allowed: 'referencesNotAllowed',
  set_name_rule: 'setNameRule',
  unknown_set: 'unknownSet',
  set_in_set: 'setInSet',
  entries_not_list: 'entriesNotList',
  label_needs_net: 'labelNeedsNet',
  entry_too_long: 'entryTooLong',
  one_per_row: 'onePerRow',
  label_not_text: 'labelNotText',
  label_too_long: 'labelTooLong',
  expiry_invalid: 'expiryInvalid',
  expiry_format: 'expiryFormat',
};

const WARNING_KEYS: { readonly [C in EntryWarningCode]: ProblemKey } = {
  host_bits: 'hostBits',
  allows_all: 'allowsAll',
  internal_range: 'internalRange',
  never_client_range: 'neverClientRange',
};

const RANGE_KEYS: { readonly [K in SpecialRangeKind]: ProblemKey } = {
  this_network: 'rangeThisNetwork',
  private: 'rangePrivate',
  cgnat: 'rangeCgnat',
  loopback: 'rangeLoopback',
  link_local: 'rangeLinkLocal',
  multicast: 'rangeMulticast',
  reserved: 'rangeReserved',
  unspecified: 'rangeUnspecified',
  loopback_address: 'rangeLoopbackAddress',
  unique_local: 'rangeUniqueLocal',
};

/**
 * An invalid entry's reason in a language. The parser (lib/net/allowlist.ts) returns the code and its
 * values; its English `reason` stays what the API and the CLI say (allowlist-problems.test.ts holds the
 * English catalogue to the same words). An error from an older page state without a code keeps its text.
 */
export function entryErrorText(error: EntryError, t: ProblemWords): string {
  const key = ERROR_KEYS[error.code] as ProblemKey | undefined;
  if (key === undefined) return error.reason;
  const reason = t(key, error.values ?? {});
  return error.suggestion === undefined ? reason : t('didYouMean', { reason, name: error.suggestion });
}

/** A warning about an accepted entry in a language. */
export function entryWarningText(warning: EntryWarning, t: ProblemWords): string {
  const key = WARNING_KEYS[warning.code] as ProblemKey | undefined;
  if (key === undefined) return warning.message;
  const values = { ...warning.values };
  const range = RANGE_KEYS[values.range as SpecialRangeKind] as ProblemKey | undefined;
  if (range !== undefined) values.range = t(range);
  return t(key, values);
}

const SHOWN_ERRORS = 20;
const SHOWN_ENTRY_CHARS = 60;

/**
 * One line naming each invalid entry with its reason, in a language (the page's counterpart of the parser's
 * English `describeErrors`): long lists are cut after 20 errors, long entries shortened.
 */
export function describeEntryErrors(errors: readonly EntryError[], t: ProblemWords): string {
  const shown = errors.slice(0, SHOWN_ERRORS).map((e) => {
    const reason = entryErrorText(e, t);
    if (e.entry === '') return reason;
    const short = e.entry.length > SHOWN_ENTRY_CHARS ? `${e.entry.slice(0, SHOWN_ENTRY_CHARS)}…` : e.entry;
    return `${JSON.stringify(short)}: ${reason}`;
  });
  const hidden = errors.length - shown.length;
  if (hidden > 0) shown.push(t('andMore', { count: hidden }));
  return shown.join('; ');
}

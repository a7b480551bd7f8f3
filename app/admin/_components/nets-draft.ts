import { MAX_INPUT_BYTES, parseAddress, parseAllowNets } from '@/lib/net/allowlist';

const SEPARATOR = /[\s,]/;

/** The draft without trailing separators, in linear time (a `/[\s,]+$/` replace is quadratic on long runs). */
export function trimTrailingSeparators(draft: string): string {
  let end = draft.length;
  while (end > 0 && SEPARATOR.test(draft[end - 1]!)) end--;
  return draft.slice(0, end);
}

/** What "Add my current IP" did: appended the address, found it already listed, or had no address to add. */
export type AddAddressOutcome = 'added' | 'already' | 'unknown';

/**
 * What "Add my current IP" says after each outcome: keys of this catalogue namespace, read by the field in
 * the browser and by the no-JavaScript server action alike.
 */
export const ADD_ADDRESS_TEXTS = 'AllowNetsField';
export const ADD_ADDRESS_KEYS = { added: 'added', already: 'already', unknown: 'unknown' } as const satisfies Record<AddAddressOutcome, string>;

/** The words shown next to "Add my current IP" for each outcome (one place, for translation). */
/**
 * "Add my current IP": the draft with the admin's address appended (as typed, with a comma), or unchanged
 * when the draft already lists that address, in any spelling (`203.0.113.7/32`, an IPv6 address in another
 * form) and even while another entry is invalid or names a set. Shared by the button in the browser and
 * the no-JavaScript round trip through the server action, so both give the same text and outcome.
 */
export function addAddress(draft: string, address: string | null): { draft: string; outcome: AddAddressOutcome } {
  const parsed = parseAddress(address);
  // Oversized drafts are left for the parser to refuse on save; nothing else looks at them.
  if (!parsed || draft.length > MAX_INPUT_BYTES) return { draft, outcome: parsed ? 'added' : 'unknown' };
  for (const token of draft.split(/[\s,]+/)) {
    if (token === '' || token.startsWith('@')) continue;
    const entry = parseAllowNets(token);
    if (entry.ok && entry.canonical === parsed.text) return { draft, outcome: 'already' };
  }
  const trimmed = trimTrailingSeparators(draft);
  return { draft: trimmed === '' ? parsed.text : `${trimmed}, ${parsed.text}`, outcome: 'added' };
}

/** `addAddress`'s draft alone. */
export function appendAddress(draft: string, address: string | null): string {
  return addAddress(draft, address).draft;
}

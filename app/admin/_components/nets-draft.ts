import { MAX_INPUT_BYTES, parseAddress, parseAllowNets } from '@/lib/net/allowlist';

const SEPARATOR = /[\s,]/;

/** The draft without trailing separators, in linear time (a `/[\s,]+$/` replace is quadratic on long runs). */
export function trimTrailingSeparators(draft: string): string {
  let end = draft.length;
  while (end > 0 && SEPARATOR.test(draft[end - 1]!)) end--;
  return draft.slice(0, end);
}

/**
 * "Add my current IP": the draft with the admin's address appended (as typed, with a comma), or unchanged
 * when the draft already lists exactly that address. Shared by the button in the browser and the
 * no-JavaScript round trip through the server action, so both give the same text.
 */
export function appendAddress(draft: string, address: string | null): string {
  const parsed = parseAddress(address);
  // Oversized drafts are left for the parser to refuse on save; nothing else looks at them.
  if (!parsed || draft.length > MAX_INPUT_BYTES) return draft;
  const current = parseAllowNets(draft);
  if (current.ok && current.entries.some((e) => e.text === parsed.text)) return draft;
  const trimmed = trimTrailingSeparators(draft);
  return trimmed === '' ? parsed.text : `${trimmed}, ${parsed.text}`;
}

import { parseAddress, parseAllowNets } from '@/lib/net/allowlist';

/**
 * "Add my current IP": the draft with the admin's address appended (as typed, with a comma), or unchanged
 * when the draft already lists exactly that address. Shared by the button in the browser and the
 * no-JavaScript round trip through the server action, so both give the same text.
 */
export function appendAddress(draft: string, address: string | null): string {
  const parsed = parseAddress(address);
  if (!parsed) return draft;
  const current = parseAllowNets(draft);
  if (current.ok && current.entries.some((e) => e.text === parsed.text)) return draft;
  const trimmed = draft.replace(/[\s,]+$/, '');
  return trimmed === '' ? parsed.text : `${trimmed}, ${parsed.text}`;
}

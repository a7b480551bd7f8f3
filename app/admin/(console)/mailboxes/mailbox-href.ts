/** The mailbox page's URL: the address as one path segment (`@` is encoded, so any valid address round-trips). */
export function mailboxHref(email: string): string {
  return `/admin/mailboxes/${encodeURIComponent(email)}`;
}

/** The address from the `[address]` segment; a malformed escape is left as typed (and will not be found). */
export function mailboxParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

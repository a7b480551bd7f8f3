/** Longer callback paths are not ours (we never build one this long); refusing them bounds the parsing. */
const MAX_CALLBACK_CHARS = 2048;

/** A path that a browser would read as another host: protocol-relative `//host` or `/\host`. */
const leavesSite = (path: string) => !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\');

/**
 * A path on this site, normalised, or null. Anything else (absolute URLs, protocol-relative
 * `//evil.example`, backslash tricks, control characters) is null, so no form that sends the user back to
 * a path can be used as an open redirect. The check runs on the input *and* on the normalised result:
 * normalisation itself can produce `//evil.example` (from `/.//evil.example`, `/%2e//evil.example`,
 * `/a/..//evil.example`), so a single check before it would not be enough (spec §12).
 */
export function sameSitePath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_CALLBACK_CHARS || leavesSite(value)) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  try {
    const base = 'http://portcullis.invalid';
    const url = new URL(value, base);
    if (url.origin !== base) return null;
    const path = url.pathname + url.search + url.hash;
    return leavesSite(path) ? null : path;
  } catch {
    return null;
  }
}

/** Where to go after sign-in: a path on this site (`sameSitePath`), never back into the sign-in flow itself. */
export function safeCallbackPath(value: unknown, fallback = '/mail'): string {
  const path = sameSitePath(value);
  if (path === null) return fallback;
  return /^\/(?:login|admin\/login)(?:\/|$|\?)/.test(path) ? fallback : path;
}

/** Where to go after an admin sign-in: a path inside /admin only (a mailbox page would need the other session). */
export function adminCallbackPath(value: FormDataEntryValue | string | null | undefined): string {
  const path = safeCallbackPath(value ?? null, '/admin/mailboxes');
  return /^\/admin(?:\/|$|\?)/.test(path) ? path : '/admin/mailboxes';
}

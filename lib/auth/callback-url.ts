/** Longer callback paths are not ours (we never build one this long); refusing them bounds the parsing. */
const MAX_CALLBACK_CHARS = 2048;

/** A path that a browser would read as another host: protocol-relative `//host` or `/\host`. */
const leavesSite = (path: string) => !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\');

/**
 * Where to go after sign-in: only a path on this site. Anything else (absolute URLs, protocol-relative
 * `//evil.example`, backslash tricks, control characters) falls back, so the sign-in form cannot be used
 * as an open redirect. The check runs on the input *and* on the normalised result: normalisation itself
 * can produce `//evil.example` (from `/.//evil.example`, `/%2e//evil.example`, `/a/..//evil.example`), so
 * a single check before it would not be enough (spec §12).
 */
export function safeCallbackPath(value: unknown, fallback = '/mail'): string {
  if (typeof value !== 'string' || value.length > MAX_CALLBACK_CHARS || leavesSite(value)) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  try {
    const base = 'http://portcullis.invalid';
    const url = new URL(value, base);
    if (url.origin !== base) return fallback;
    const path = url.pathname + url.search + url.hash;
    if (leavesSite(path)) return fallback;
    // Never bounce back into the sign-in flow itself.
    return /^\/(?:login|admin\/login)(?:\/|$|\?)/.test(path) ? fallback : path;
  } catch {
    return fallback;
  }
}

/** Where to go after an admin sign-in: a path inside /admin only (a mailbox page would need the other session). */
export function adminCallbackPath(value: FormDataEntryValue | string | null | undefined): string {
  const path = safeCallbackPath(value ?? null, '/admin/mailboxes');
  return /^\/admin(?:\/|$|\?)/.test(path) ? path : '/admin/mailboxes';
}

/**
 * Where to go after sign-in: only a path on this site. Anything else (absolute URLs, protocol-relative
 * `//evil.example`, backslash tricks, control characters) falls back, so the sign-in form cannot be used
 * as an open redirect.
 */
export function safeCallbackPath(value: unknown, fallback = '/mail'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  try {
    const base = 'http://portcullis.invalid';
    const url = new URL(value, base);
    if (url.origin !== base) return fallback;
    const path = url.pathname + url.search + url.hash;
    // Never bounce back into the sign-in flow itself.
    return /^\/(?:login|admin\/login)(?:\/|$|\?)/.test(path) ? fallback : path;
  } catch {
    return fallback;
  }
}

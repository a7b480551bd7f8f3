type HeaderSource = { get(name: string): string | null };

/** Methods that change nothing: they need no origin check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a browser request may change state here: a safe method, or a post that says it comes from a page
 * of this same site. Cookies go along with a cross-site form post; only the browser's own headers tell the
 * two apart, so a post needs one of them:
 *
 * - `Origin` naming this host (what the browser used to reach us: the `Host` header, with its port). Every
 *   current browser sends Origin on a POST, same-origin form posts without JavaScript included. `null`
 *   (sandboxed frames, some redirects, privacy settings) is not this host.
 * - without Origin, `Sec-Fetch-Site: same-origin`.
 *
 * A post with neither (an old client, or a hand-made request) is refused: Next.js checks a server action's
 * Origin against Host only when Origin is present. A `Sec-Fetch-Site` other than same-origin refuses the
 * post even with a matching Origin (a sibling subdomain is same-site, not same-origin). The scheme is not
 * compared, as Next.js does not: behind a TLS-terminating proxy that is not trusted for X-Forwarded-Proto the
 * app sees http while the browser says https, and a page at http://<this host> is served by this host.
 */
export function isSameOriginRequest(method: string, headers: HeaderSource): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const host = headers.get('host')?.toLowerCase();
  const origin = headers.get('origin');
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') return false;
  if (origin === null) return site === 'same-origin';
  if (!host || origin === 'null') return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

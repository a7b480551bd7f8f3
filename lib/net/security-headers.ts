/**
 * The security headers of every HTML response (spec §12), a pure function like decideConnection so that
 * it is tested without a server. proxy.ts calls it for every page with a fresh nonce; Next.js reads the
 * policy from the request headers and puts the nonce on its own inline scripts, so the app runs with
 * JavaScript under a policy without 'unsafe-inline' for scripts.
 */

/** A fresh nonce: 128 random bits, base64. Web Crypto, which the proxy's runtime has. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy: scripts and styles only from this origin or carrying this response's
 * nonce ('strict-dynamic' lets Next's nonce'd loader load its chunks), no plugins, no framing by anyone
 * (`frame-ancestors 'none'`: a sign-in form must not be clickjacked), forms only posted to this origin.
 * Over HTTPS, subresources are upgraded too. Development (`next dev`) needs eval for its fast refresh.
 */
export function contentSecurityPolicy(nonce: string, options: { https: boolean; development?: boolean }): string {
  const directives = [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ];
  if (options.https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** One year, with subdomains: what the HSTS preload list expects; only ever sent over HTTPS. */
const HSTS = 'max-age=31536000; includeSubDomains';

/** Every header an HTML response carries (CSP, nosniff, referrer policy; HSTS over HTTPS). */
export function securityHeaders(nonce: string, options: { https: boolean; development?: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(nonce, options),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
  if (options.https) headers['strict-transport-security'] = HSTS;
  return headers;
}

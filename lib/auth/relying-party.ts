// Not marked `server-only`: lib/env.ts validates WEBAUTHN_* with it at start-up (outside Next's bundler).
import { parseAddress } from '@/lib/net/allowlist';

/**
 * Who the WebAuthn relying party is (spec §14, passkeys): its RP ID (a domain, never an IP address, which
 * WebAuthn forbids) and the page origins a passkey ceremony may come from. Decided from configuration, not
 * from whatever Host header a request carries; without configuration only `localhost` qualifies (a
 * browser treats it as a secure context, so development and the tests work with no setup).
 */

export interface RelyingPartyConfig {
  /** WEBAUTHN_RP_ID; defaults to the host name of the first origin. */
  rpId: string;
  /** WEBAUTHN_ORIGINS, normalised (`scheme://host[:port]`). */
  origins: string[];
}

export type RelyingParty = { ok: true; rpId: string; origins: string[] } | { ok: false; message: string };

const isLocalhost = (hostname: string) => hostname === 'localhost';

/** Parses WEBAUTHN_ORIGINS and WEBAUTHN_RP_ID; an error message names the bad part. Both empty → null. */
export function parseRelyingPartyConfig(originsText: string | undefined, rpIdText: string | undefined): { ok: true; config: RelyingPartyConfig | null } | { ok: false; message: string } {
  const items = (originsText ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const rpIdRaw = (rpIdText ?? '').trim().toLowerCase();
  if (items.length === 0) return rpIdRaw ? { ok: false, message: 'WEBAUTHN_RP_ID needs WEBAUTHN_ORIGINS too' } : { ok: true, config: null };
  const origins: string[] = [];
  for (const item of items) {
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      return { ok: false, message: `"${item}" is not an origin such as https://mail.example.com` };
    }
    if (url.origin !== item.replace(/\/$/, '').toLowerCase() || (url.pathname !== '/' && url.pathname !== '')) return { ok: false, message: `"${item}" must be an origin only (scheme, host and port), such as https://mail.example.com` };
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocalhost(url.hostname))) return { ok: false, message: `"${item}" must use https (plain http only for localhost)` };
    if (parseAddress(url.hostname.replace(/^\[|\]$/g, ''))) return { ok: false, message: `"${item}": passkeys need a domain name, not an IP address` };
    origins.push(url.origin);
  }
  const rpId = rpIdRaw || new URL(origins[0]!).hostname;
  if (parseAddress(rpId) || !/^[a-z0-9.-]+$/.test(rpId)) return { ok: false, message: `WEBAUTHN_RP_ID "${rpId}" must be a domain name, not an IP address` };
  for (const origin of origins) {
    const host = new URL(origin).hostname;
    if (host !== rpId && !host.endsWith(`.${rpId}`)) return { ok: false, message: `WEBAUTHN_RP_ID "${rpId}" must be the host of ${origin} or a parent domain of it` };
  }
  return { ok: true, config: { rpId, origins } };
}

export const NOT_CONFIGURED = 'Passkeys cannot be used at this address. Open the admin area at its configured address (the operator sets WEBAUTHN_ORIGINS), then try again.';

/**
 * The relying party for a request that arrived with `host` (the Host header). Configured: the host must be
 * one of the configured origins'. Not configured: only `localhost[:port]`, with http and https origins.
 */
export function relyingPartyFor(config: RelyingPartyConfig | null, host: string | null): RelyingParty {
  const h = (host ?? '').trim().toLowerCase();
  if (!h || h.length > 300) return { ok: false, message: NOT_CONFIGURED };
  if (config) {
    const origins = config.origins.filter((o) => new URL(o).host === h);
    return origins.length ? { ok: true, rpId: config.rpId, origins } : { ok: false, message: NOT_CONFIGURED };
  }
  let url: URL;
  try {
    url = new URL(`http://${h}`);
  } catch {
    return { ok: false, message: NOT_CONFIGURED };
  }
  if (!isLocalhost(url.hostname) || url.host !== h) return { ok: false, message: NOT_CONFIGURED };
  return { ok: true, rpId: 'localhost', origins: [`http://${url.host}`, `https://${url.host}`] };
}

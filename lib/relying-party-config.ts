// Not marked `server-only`: lib/env.ts validates WEBAUTHN_* with it at start-up (outside Next's bundler).
// Configuration, not authentication: it lives beside lib/env.ts, which knows no auth (docs/architecture.md).
import { parseAddress } from '@/lib/net/allowlist';

/**
 * The configured WebAuthn relying party (spec §14, passkeys): its RP ID (a domain, never an IP address,
 * which WebAuthn forbids) and the page origins a passkey ceremony may come from. Which party answers a
 * given request is lib/auth/relying-party.ts.
 */

export interface RelyingPartyConfig {
  /** WEBAUTHN_RP_ID; defaults to the host name of the first origin. */
  rpId: string;
  /** WEBAUTHN_ORIGINS, normalised (`scheme://host[:port]`). */
  origins: string[];
}

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

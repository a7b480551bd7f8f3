import type { RelyingPartyConfig } from '@/lib/relying-party-config';

/**
 * Who the WebAuthn relying party is (spec §14, passkeys): its RP ID (a domain, never an IP address, which
 * WebAuthn forbids) and the page origins a passkey ceremony may come from. Decided from configuration, not
 * from whatever Host header a request carries; without configuration only `localhost` qualifies (a
 * browser treats it as a secure context, so development and the tests work with no setup).
 */

export type RelyingParty = { ok: true; rpId: string; origins: string[] } | { ok: false; message: string };

const isLocalhost = (hostname: string) => hostname === 'localhost';

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

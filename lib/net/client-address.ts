/*
 * The one place that decides a request's client address (spec §4; see docs/allowlists.md).
 *
 * Browser-safe pure logic: server.ts supplies the socket peer and the raw header, nothing here reads
 * process.env or a request.
 */
import { parseAddress, type Allowlist } from './allowlist';

/** What {@link decideClientAddress} needs: the TCP peer, the raw X-Forwarded-For value(s), TRUSTED_PROXIES. */
export interface AddressDecisionInput {
  peer: string | null | undefined;
  forwardedFor: string | readonly string[] | null | undefined;
  trustedProxies: Allowlist | null;
}

/**
 * The canonical client address, or null when it is unknown (an unparsable peer, or a forwarded chain from a
 * trusted proxy that cannot be followed).
 *
 * X-Forwarded-For is written by whoever sends the request, so any entry a client put there is a lie
 * waiting to unlock someone's allowlist. Only hops appended by proxies we trust count: the header is read
 * from the right, starting from a trusted peer, and the first hop not in TRUSTED_PROXIES is the client.
 * Everything to its left was supplied by that client and is ignored. This must be the only code that
 * turns a request into an address, so that every check agrees on who is asking.
 *
 * A malformed hop reached by the walk (`garbage`, an empty entry, a port, brackets, a CIDR) makes the client
 * unknown (spec §23 "Forwarding"). Falling back to the last trusted hop would name a proxy, usually the
 * loopback peer itself, as the client: every list that admits the proxy (METRICS_ALLOW's default, a mailbox
 * list with 127.0.0.1) would then admit anyone who can make the proxy forward a broken header. Unknown is
 * refused wherever a list applies and is throttled as one shared client.
 */
export function decideClientAddress(input: AddressDecisionInput): string | null {
  const peer = parseAddress(input.peer);
  if (peer === null) return null;
  const trusted = input.trustedProxies;
  if (trusted === null || trusted.size === 0 || !trusted.allows(peer)) return peer.text;

  const raw = input.forwardedFor;
  // No header at all: the trusted peer is asking for itself (a health check, a local curl).
  if (raw === undefined || raw === null || (typeof raw !== 'string' && raw.length === 0)) return peer.text;
  const header = typeof raw === 'string' ? raw : raw.join(',');

  // Walk from the right without splitting the whole header: only the trusted tail is ever looked at.
  let end = header.length;
  for (;;) {
    const comma = end === 0 ? -1 : header.lastIndexOf(',', end - 1);
    const hop = parseAddress(header.slice(comma + 1, end).trim());
    if (hop === null) return null;
    if (!trusted.allows(hop)) return hop.text;
    // Every hop is a trusted proxy: the leftmost one is the first machine we know of.
    if (comma === -1) return hop.text;
    end = comma;
  }
}

/** Everything server.ts learns from a connection, decided here so that address and scheme trust agree. */
export interface ConnectionInput extends AddressDecisionInput {
  /** The socket is TLS. */
  encrypted: boolean;
  /** The raw X-Forwarded-Proto value(s); only believed from a trusted peer. */
  forwardedProto: string | readonly string[] | null | undefined;
}

/**
 * The client address (see {@link decideClientAddress}) and whether the browser reached us over HTTPS:
 * a TLS socket, or `X-Forwarded-Proto: https` set by a trusted proxy (it decides `Secure` cookies).
 */
export function decideConnection(input: ConnectionInput): { address: string | null; https: boolean } {
  const address = decideClientAddress(input);
  if (input.encrypted) return { address, https: true };
  const trusted = input.trustedProxies;
  const peerTrusted = trusted !== null && trusted.size > 0 && trusted.allows(parseAddress(input.peer));
  const raw = typeof input.forwardedProto === 'string' ? input.forwardedProto : input.forwardedProto?.[0];
  // The first value is the one the outermost proxy saw from the browser.
  const proto = raw?.split(',')[0]?.trim().toLowerCase();
  return { address, https: peerTrusted && proto === 'https' };
}

import { parseAddress } from '@/lib/net/allowlist';

/**
 * Throttling keys for a client address (spec §12), a pure function like decideConnection: an IPv4 client
 * (and an IPv4-mapped IPv6 one) counts as its exact address; an IPv6 client counts as its /64, because a
 * single customer line is usually handed a whole /64 (2^64 addresses, each of which would otherwise get a
 * fresh budget), and also as its /48, the usual site allocation, under a higher limit. An address that
 * cannot be parsed (or is unknown) counts as one shared "unknown" client.
 */
export interface AddressKeys {
  /** The per-client key: IPv4 address or IPv6 /64. */
  client: string;
  /** The IPv6 /48 aggregate; null for IPv4 and unknown addresses. */
  site: string | null;
  /** The network used for "known networks": IPv4 /24, IPv6 /56; null when unknown. */
  known: string | null;
}

function v6Prefix(words: readonly number[], bits: number): string {
  const groups: string[] = [];
  for (let i = 0; i < bits / 16; i++) {
    const word = words[i >> 1]!;
    groups.push(((i & 1 ? word : word >>> 16) & 0xffff).toString(16));
  }
  return `${groups.join(':')}::/${bits}`;
}

/** The throttling and known-network keys of a client address. */
export function addressKeys(address: string | null | undefined): AddressKeys {
  const parsed = parseAddress(address);
  if (!parsed) return { client: 'unknown', site: null, known: null };
  if (parsed.family === 4) {
    const v = parsed.value;
    return { client: parsed.text, site: null, known: `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.0/24` };
  }
  // /56 is not a multiple of 16: mask the fourth group's low byte.
  const known = [parsed.words[0], parsed.words[1], parsed.words[2], parsed.words[3]];
  known[1] = known[1]! & 0xffffff00;
  return { client: v6Prefix(parsed.words, 64), site: v6Prefix(parsed.words, 48), known: `${v6Prefix(known, 64).slice(0, -3)}/56` };
}

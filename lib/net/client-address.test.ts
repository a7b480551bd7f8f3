import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowlistFor, compileAllowlist, parseAddress, parseAllowNets, type NetEntry } from './allowlist';
import { decideClientAddress, decideConnection } from './client-address';

// Proxies at 10.0.0.0/24 and 2001:db8:ffff::/48; everything else is untrusted.
const trusted = allowlistFor('10.0.0.0/24,2001:db8:ffff::/48');

function decide(peer: string | null | undefined, forwardedFor?: string | readonly string[] | null) {
  return decideClientAddress({ peer, forwardedFor, trustedProxies: trusted });
}

describe('decideClientAddress without trusted proxies', () => {
  it.each([null, compileAllowlist([])])('uses the peer and ignores X-Forwarded-For (%#)', (trustedProxies) => {
    expect(decideClientAddress({ peer: '198.51.100.1', forwardedFor: '203.0.113.9', trustedProxies })).toBe('198.51.100.1');
    expect(decideClientAddress({ peer: '10.0.0.1', forwardedFor: '203.0.113.9', trustedProxies })).toBe('10.0.0.1');
  });

  it('normalises the peer', () => {
    const base = { forwardedFor: undefined, trustedProxies: null };
    expect(decideClientAddress({ ...base, peer: '::ffff:198.51.100.1' })).toBe('198.51.100.1');
    expect(decideClientAddress({ ...base, peer: '2001:DB8:0::1' })).toBe('2001:db8::1');
    expect(decideClientAddress({ ...base, peer: 'fe80::1%eth0' })).toBe('fe80::1');
  });

  it.each([null, undefined, '', 'unknown', '198.51.100.1:5000', '[::1]'])('is unknown for the peer %j', (peer) => {
    expect(decideClientAddress({ peer, forwardedFor: '203.0.113.9', trustedProxies: null })).toBeNull();
    expect(decide(peer, '203.0.113.9')).toBeNull();
  });
});

describe('decideClientAddress with trusted proxies', () => {
  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(decide('198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
    expect(decide('2001:db8:1::1', '203.0.113.9')).toBe('2001:db8:1::1');
  });

  it('uses the peer when a trusted proxy sends no X-Forwarded-For', () => {
    expect(decide('10.0.0.1', undefined)).toBe('10.0.0.1');
    expect(decide('10.0.0.1', null)).toBe('10.0.0.1');
    expect(decide('10.0.0.1', [])).toBe('10.0.0.1');
  });

  it('takes the hop a trusted peer reports', () => {
    expect(decide('10.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(decide('10.0.0.1', ' 203.0.113.9 ')).toBe('203.0.113.9');
  });

  it('walks right to left over trusted hops to the first untrusted one', () => {
    expect(decide('10.0.0.1', '203.0.113.9, 10.0.0.2, 10.0.0.3')).toBe('203.0.113.9');
    expect(decide('10.0.0.1', '203.0.113.9,10.0.0.2')).toBe('203.0.113.9');
  });

  it('ignores entries a client put in front (spoofing)', () => {
    // The client sent "X-Forwarded-For: 192.0.2.66, 10.0.0.9"; our proxy appended the real address.
    expect(decide('10.0.0.1', '192.0.2.66, 10.0.0.9, 198.51.100.23')).toBe('198.51.100.23');
    expect(decide('10.0.0.1', '192.0.2.66, 198.51.100.23, 10.0.0.2')).toBe('198.51.100.23');
  });

  it('takes the leftmost hop when every hop is trusted', () => {
    expect(decide('10.0.0.1', '10.0.0.7, 10.0.0.2')).toBe('10.0.0.7');
  });

  // Spec §23 "Forwarding": a chain a trusted proxy forwarded that cannot be followed is an unknown client,
  // never the proxy (10.0.0.1 here; 127.0.0.1 behind a local nginx) nor another trusted hop.
  it.each([
    'garbage',
    '", "',
    ', ',
    ',',
    '',
    '   ',
    'unknown',
    '203.0.113.9, unknown',
    '203.0.113.9, unknown, 10.0.0.2',
    '203.0.113.9, 10.0.0.2, unknown',
    '203.0.113.9, 198.51.100.7:4711',
    '198.51.100.7:4711',
    '10.0.0.2:80',
    '[2001:db8::1]',
    '[2001:db8::1]:443',
    '203.0.113.9, [2001:db8::1]',
    '203.0.113.9, 010.0.0.2',
    '203.0.113.9, 10.0.0.0/24',
    '203.0.113.9,,10.0.0.2',
    '203.0.113.9, 10.0.0.2,',
    ',10.0.0.2',
    '203.0.113.9, 10.0.0.2, ',
    '"203.0.113.9"',
    '203.0.113.9 10.0.0.2',
    '203.0.113.9;10.0.0.2',
    'for=203.0.113.9',
  ])('makes the client unknown for the malformed chain %j from a trusted proxy', (chain) => {
    expect(decide('10.0.0.1', chain)).toBeNull();
    expect(decide('2001:db8:ffff::1', chain)).toBeNull();
    expect(decideConnection({ peer: '::ffff:10.0.0.1', encrypted: false, forwardedFor: chain, forwardedProto: null, trustedProxies: trusted }).address).toBeNull();
  });

  it('a malformed chain from an untrusted peer is ignored, as any X-Forwarded-For is', () => {
    expect(decide('198.51.100.1', 'garbage')).toBe('198.51.100.1');
    expect(decide('198.51.100.1', '", "')).toBe('198.51.100.1');
  });

  it('does not look past the first untrusted hop, even at garbage', () => {
    expect(decide('10.0.0.1', 'garbage, 203.0.113.9')).toBe('203.0.113.9');
  });

  it('treats IPv4-mapped peers and hops as IPv4', () => {
    expect(decide('::ffff:10.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(decide('10.0.0.1', '::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(decide('::ffff:10.0.0.1', '203.0.113.9, ::ffff:10.0.0.2')).toBe('203.0.113.9');
    // A mapped proxy address is trusted through its IPv4 entry, so the walk continues past it.
    expect(decide('10.0.0.1', '::ffff:203.0.113.9, ::FFFF:A00:2')).toBe('203.0.113.9');
  });

  it('handles IPv6 peers and hops', () => {
    expect(decide('2001:db8:ffff::1', '2001:DB8:1::5')).toBe('2001:db8:1::5');
    expect(decide('2001:db8:ffff::1', '2001:db8:1::5, 2001:db8:ffff::2, 10.0.0.3')).toBe('2001:db8:1::5');
    expect(decide('10.0.0.1', '203.0.113.9, 2001:db8:ffff::2')).toBe('203.0.113.9');
    expect(decide('2001:db8:ffff::1', 'fe80::1%eth0')).toBe('fe80::1');
  });

  it('joins several header values in order', () => {
    expect(decide('10.0.0.1', ['192.0.2.66', '203.0.113.9, 10.0.0.2'])).toBe('203.0.113.9');
    expect(decide('10.0.0.1', ['203.0.113.9', '10.0.0.2', '10.0.0.3'])).toBe('203.0.113.9');
    expect(decide('10.0.0.1', ['10.0.0.9', '10.0.0.2'])).toBe('10.0.0.9');
    expect(decide('10.0.0.1', ['203.0.113.9', ''])).toBeNull();
    expect(decide('10.0.0.1', ['', '203.0.113.9'])).toBe('203.0.113.9');
  });

  it('never returns an address a client chose when our proxy appended the real one', () => {
    const token = fc.oneof(fc.constantFrom('10.0.0.5', '2001:db8:ffff::9', 'unknown', '', '::ffff:10.0.0.3'), fc.ipV4(), fc.ipV6());
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), fc.oneof(fc.ipV4(), fc.ipV6()), (spoofed, real) => {
        const address = parseAddress(real);
        expect(address).not.toBeNull();
        fc.pre(!trusted.allows(address));
        expect(decide('10.0.0.1', [...spoofed, real].join(', '))).toBe(address!.text);
        expect(decide('10.0.0.1', [spoofed.join(','), `${real}, 10.0.0.2`])).toBe(address!.text);
      }),
    );
  });
});

describe('decideConnection (scheme)', () => {
  const trusted = compileAllowlist((parseAllowNets('10.0.0.1') as { entries: NetEntry[] }).entries);
  const base = { forwardedFor: null, trustedProxies: trusted };

  it('a TLS socket is HTTPS whatever the headers say', () => {
    expect(decideConnection({ ...base, peer: '192.0.2.1', encrypted: true, forwardedProto: 'http' }).https).toBe(true);
  });

  it('believes X-Forwarded-Proto only from a trusted proxy, and only its first value', () => {
    expect(decideConnection({ ...base, peer: '10.0.0.1', encrypted: false, forwardedProto: 'https' }).https).toBe(true);
    expect(decideConnection({ ...base, peer: '10.0.0.1', encrypted: false, forwardedProto: 'HTTPS, http' }).https).toBe(true);
    expect(decideConnection({ ...base, peer: '10.0.0.1', encrypted: false, forwardedProto: 'http, https' }).https).toBe(false);
    expect(decideConnection({ ...base, peer: '192.0.2.1', encrypted: false, forwardedProto: 'https' }).https).toBe(false);
    expect(decideConnection({ ...base, trustedProxies: null, peer: '10.0.0.1', encrypted: false, forwardedProto: 'https' }).https).toBe(false);
  });

  it('decides the address with the same rule as decideClientAddress', () => {
    expect(decideConnection({ peer: '10.0.0.1', encrypted: false, forwardedProto: null, forwardedFor: '203.0.113.9', trustedProxies: trusted }).address).toBe('203.0.113.9');
  });
});

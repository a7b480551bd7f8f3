import { isIP } from 'node:net';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import {
  MAX_ENTRIES,
  MAX_INPUT_BYTES,
  allowlistFor,
  compileAllowlist,
  describeErrors,
  parseAddress,
  parseAllowNets,
  plainListAllows,
  type AllowNetsParse,
  type NetEntry,
} from './allowlist';

function ok(input: string | null | undefined) {
  const result = parseAllowNets(input);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to parse: ${describeErrors(result.errors)}`);
  return result;
}

function errorsOf(input: string) {
  const result = parseAllowNets(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.errors;
}

function canonical(input: string): string | null {
  return ok(input).canonical;
}

function messages(result: AllowNetsParse): string[] {
  return result.warnings.map((w) => `${w.entry}: ${w.message}`);
}

function allows(list: string, address: string): boolean {
  return allowlistFor(list).allows(parseAddress(address));
}

// ---- reference helpers (BigInt arithmetic, independent of the module's uint32 words) ----

const V6_BITS = BigInt(128);
const ALL_V6 = (BigInt(1) << V6_BITS) - BigInt(1);

function v6FromBig(n: bigint): string {
  const parts: number[] = [];
  for (let i = 7; i >= 0; i--) parts.push(Number((n >> BigInt(16 * i)) & BigInt(0xffff)));
  return new ipaddr.IPv6(parts).toRFC5952String();
}

/** Every group written with four digits (2001:0db8:0000:…), a spelling people paste from other tools. */
function fixedLength(ip: ipaddr.IPv6): string {
  return ip.parts.map((p) => p.toString(16).padStart(4, '0')).join(':');
}

function v4FromNumber(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Naive reference: does any entry contain the address? ipaddr.js `match` over pre-parsed ranges. */
function referenceAllows(entries: readonly NetEntry[], address: string): boolean {
  const client = ipaddr.process(address);
  return entries.some((e) => {
    const [net, bits] = ipaddr.parseCIDR(e.text.includes('/') ? e.text : `${e.text}/${e.family === 4 ? 32 : 128}`);
    return net.kind() === client.kind() && client.match(net, bits);
  });
}

const v4Value = fc.integer({ min: 0, max: 0xffffffff });
// Groups are often zero so that `::` compression and its tie rules get exercised.
const v6Parts = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
const v6Big = v6Parts.map((parts) => parts.reduce((acc, p) => (acc << BigInt(16)) | BigInt(p), BigInt(0)));

/** A random network written in one of the many accepted spellings, with its family and prefix. */
const netInput = fc.oneof(
  fc.record({ value: v4Value, prefix: fc.integer({ min: 0, max: 32 }), bare: fc.boolean() }).map(({ value, prefix, bare }) =>
    bare ? v4FromNumber(value) : `${v4FromNumber(value)}/${prefix}`,
  ),
  fc
    .record({ parts: v6Parts, prefix: fc.integer({ min: 0, max: 128 }), bare: fc.boolean(), style: fc.integer({ min: 0, max: 3 }) })
    .filter(({ parts }) => !(parts.slice(0, 5).every((p) => p === 0) && parts[5] === 0xffff))
    .map(({ parts, prefix, bare, style }) => {
      const ip = new ipaddr.IPv6(parts);
      const text = [ip.toRFC5952String(), ip.toNormalizedString(), fixedLength(ip), ip.toRFC5952String().toUpperCase()][style]!;
      return bare ? text : `${text}/${prefix}`;
    }),
  fc
    .record({ value: v4Value, prefix: fc.integer({ min: 96, max: 128 }) })
    .map(({ value, prefix }) => `::ffff:${v4FromNumber(value)}/${prefix}`),
);

const separator = fc.constantFrom(',', ' ', '\n', ', ', ' ,\n', '\t', ',,');

const listInput = fc
  .tuple(fc.array(netInput, { minLength: 1, maxLength: 30 }), separator)
  .map(([nets, sep]) => nets.join(sep));

describe('parseAllowNets: valid entries', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.0/24', '203.0.113.0/24'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:db8::1', '2001:db8::1'],
    ['203.0.113.7/32', '203.0.113.7'],
    ['2001:db8::1/128', '2001:db8::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['::ffff:198.51.100.0/120', '198.51.100.0/24'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['::FFFF:c633:6407', '198.51.100.7'],
    ['::ffff:0:0/96', '0.0.0.0/0'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['::/0', '::/0'],
  ])('%s -> %s', (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  it('normalises the spec example', () => {
    expect(canonical(' 198.51.100.7/24,\n2001:DB8:0::1 , ::ffff:192.0.2.0/120')).toBe('198.51.100.0/24,2001:db8::1,192.0.2.0/24');
  });

  it('returns entries with family and prefix', () => {
    expect(ok('203.0.113.7, 2001:db8::/32, ::ffff:192.0.2.0/120').entries).toEqual([
      { text: '203.0.113.7', family: 4, prefix: 32 },
      { text: '2001:db8::/32', family: 6, prefix: 32 },
      { text: '192.0.2.0/24', family: 4, prefix: 24 },
    ]);
  });

  it.each([null, undefined, '', '   ', '\n\t ', ',,,', ' , \n , '])('%j means no restriction', (input) => {
    expect(parseAllowNets(input)).toEqual({ ok: true, canonical: null, entries: [], references: [], warnings: [] });
  });

  it('accepts commas, spaces, newlines and other whitespace as separators and ignores empty entries', () => {
    expect(canonical('203.0.113.7,,198.51.100.1\r\n2001:db8::1\t192.0.2.1\u00a0192.0.2.2 , ,192.0.2.3')).toBe(
      '203.0.113.7,198.51.100.1,2001:db8::1,192.0.2.1,192.0.2.2,192.0.2.3',
    );
  });

  it('keeps input order and collapses exact duplicates after normalisation', () => {
    expect(
      canonical('198.51.100.0/24, 203.0.113.7, 198.51.100.99/24, 203.0.113.7/32, ::ffff:203.0.113.7, 2001:DB8::1, 2001:db8:0::1/128'),
    ).toBe('198.51.100.0/24,203.0.113.7,2001:db8::1');
  });

  it('keeps nested but different networks (only exact duplicates collapse)', () => {
    expect(canonical('10.0.0.0/8,10.1.0.0/16')).toBe('10.0.0.0/8,10.1.0.0/16');
  });
});

describe('parseAllowNets: invalid entries', () => {
  it.each([
    ['10.0.0.1/33', 'prefix length must be between 0 and 32'],
    ['300.1.1.1', 'each number of an IPv4 address must be between 0 and 255'],
    ['1.2.3', 'four numbers'],
    ['1.2.3.4.5', 'four numbers'],
    ['1..2.3', 'four numbers'],
    ['2001:db8::/129', 'prefix length must be between 0 and 128'],
    ['fe80::1%eth0', 'zone ids'],
    ['fe80::1%', 'zone ids'],
    ['abc', 'not an IP address or network'],
    ['10.0.0.0/8/8', 'only one "/"'],
    ['10.0.0.0/08', 'leading zeros'],
    ['10.0.0.0/00', 'leading zeros'],
    ['10.0.0.0/+8', 'whole number'],
    ['10.0.0.0/-1', 'whole number'],
    ['10.0.0.0/x', 'whole number'],
    ['10.0.0.0/1e1', 'whole number'],
    ['10.0.0.0/0x8', 'whole number'],
    ['10.0.0.0/99999999999999999999', 'between 0 and 32'],
    ['10.0.0.0/', 'followed by a prefix length'],
    ['/8', 'missing before "/"'],
    ['10.0.0.0/255.0.0.0', 'not a netmask'],
    ['::ffff:0:0/95', 'at least 96'],
    ['::ffff:192.0.2.0/64', 'at least 96'],
    ['010.1.1.1', 'leading zeros'],
    ['0x7f.0.0.1', 'four decimal numbers'],
    ['0177.0.0.1', 'leading zeros'],
    ['127.1', 'four numbers'],
    ['2130706433', 'four numbers'],
    ['1.2.3.4:80', 'port numbers'],
    ['[2001:db8::1]', 'without brackets'],
    ['[2001:db8::1]:443', 'without brackets'],
    ['::1.2.3.4', 'IPv4-compatible'],
    ['::ffff:010.1.1.1', 'not a valid IPv6 address'],
    ['::ffff:1.2.3.256', 'not a valid IPv6 address'],
    ['2001:db8::1::1', 'not a valid IPv6 address'],
    ['2001:db8:1:2:3:4:5:6:7', 'not a valid IPv6 address'],
    ['2001:db8:1:2:3:4:5', 'not a valid IPv6 address'],
    ['12345::1', 'not a valid IPv6 address'],
    [':1::2', 'not a valid IPv6 address'],
    ['1:::2', 'not a valid IPv6 address'],
    ['g::1', 'not a valid IPv6 address'],
    ['1.2.3.4::', 'not a valid IPv6 address'],
    ['localhost', 'not an IP address or network'],
    ['１.２.３.４', 'not an IP address or network'],
  ])('rejects %s', (input, reason) => {
    const errors = errorsOf(input);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.entry).toBe(input);
    expect(errors[0]!.reason).toContain(reason);
  });

  it('lists every invalid entry, as typed, and stores nothing', () => {
    const result = parseAllowNets(' 203.0.113.7, 10.0.0.1/33 ,300.1.1.1\nabc 2001:db8::1 abc 1.2.3');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.entry)).toEqual(['10.0.0.1/33', '300.1.1.1', 'abc', '1.2.3']);
    expect('canonical' in result).toBe(false);
  });

  it('rejects values that are not text instead of crashing', () => {
    expect(parseAllowNets(42 as unknown as string)).toEqual({ ok: false, errors: [{ entry: '', code: 'list_not_text', values: {}, reason: 'the list must be text' }], warnings: [] });
    expect(parseAllowNets(['10.0.0.0/8'] as unknown as string).ok).toBe(false);
  });

  it('still reports warnings for the valid entries of a rejected list (live feedback)', () => {
    const result = parseAllowNets('10.0.0.0/8, abc');
    expect(result.ok).toBe(false);
    expect(result.warnings.map((w) => w.entry)).toEqual(['10.0.0.0/8']);
  });
});

describe('parseAllowNets: warnings', () => {
  it('normalises host bits to the network and warns', () => {
    const result = ok('10.1.2.3/8');
    expect(result.canonical).toBe('10.0.0.0/8');
    expect(messages(result)[0]).toMatch(/^10\.0\.0\.0\/8: "10\.1\.2\.3\/8" has host bits set/);
    expect(ok('2001:db8::1/32').canonical).toBe('2001:db8::/32');
    expect(messages(ok('2001:db8::1/32'))).toHaveLength(1);
    expect(ok('::ffff:198.51.100.7/120').canonical).toBe('198.51.100.0/24');
    expect(messages(ok('::ffff:198.51.100.7/120'))[0]).toContain('host bits');
  });

  it('warns about lists that allow a whole family', () => {
    expect(messages(ok('0.0.0.0/0'))).toEqual(['0.0.0.0/0: Allows every IPv4 address, so IPv4 sign-ins are not restricted at all']);
    expect(messages(ok('::/0'))).toEqual(['::/0: Allows every IPv6 address, so IPv6 sign-ins are not restricted at all']);
    expect(messages(ok('1.2.3.4/0'))).toHaveLength(2); // host bits + everything
  });

  it.each([
    ['10.0.0.0/8', 'Private'],
    ['10.20.30.40', 'Private'],
    ['172.16.0.0/12', 'Private'],
    ['172.31.255.0/24', 'Private'],
    ['192.168.1.0/24', 'Private'],
    ['127.0.0.1', 'Loopback'],
    ['169.254.0.0/16', 'Link-local'],
    ['100.64.0.0/10', 'Carrier-grade NAT'],
    ['100.127.255.255', 'Carrier-grade NAT'],
    ['::1', 'Loopback'],
    ['fe80::/10', 'Link-local'],
    ['fe80::1', 'Link-local'],
    ['fc00::/7', 'Unique local'],
    ['fd12:3456::/48', 'Unique local'],
    ['224.0.0.1', 'Multicast'],
    ['255.255.255.255', 'Reserved'],
    ['0.0.0.0', 'This network'],
    ['::', 'Unspecified'],
    ['ff02::1', 'Multicast'],
  ])('warns about %s (%s)', (input, kind) => {
    const result = ok(input);
    expect(result.canonical).toBe(input);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]!.entry).toBe(input);
    expect(result.warnings[0]!.message).toContain(kind);
  });

  it.each(['203.0.113.7', '198.51.100.0/24', '2001:db8::/32', '172.32.0.0/16', '100.128.0.0/16', '11.0.0.0/8', '0.0.0.0/1'])(
    'does not warn about %s',
    (input) => {
      expect(ok(input).warnings).toEqual([]);
    },
  );

  it('warns once for a duplicated entry', () => {
    expect(ok('10.0.0.0/8 10.0.0.0/8').warnings).toHaveLength(1);
  });
});

describe('parseAllowNets: limits', () => {
  const distinct = (n: number) => Array.from({ length: n }, (_, i) => `11.0.${i >> 8}.${i & 255}`);

  it(`accepts ${MAX_ENTRIES} entries`, () => {
    const result = ok(distinct(MAX_ENTRIES).join(','));
    expect(result.entries).toHaveLength(MAX_ENTRIES);
  });

  it(`rejects ${MAX_ENTRIES + 1} distinct entries`, () => {
    const errors = errorsOf(distinct(MAX_ENTRIES + 1).join(','));
    expect(errors).toEqual([{ entry: '', code: 'too_many_entries', values: { count: 1001, max: 1000 }, reason: expect.stringContaining('at most 1,000') }]);
    expect(describeErrors(errors)).toMatch(/^the list has 1,001 entries/);
  });

  it('counts distinct entries, not duplicates', () => {
    expect(ok([...distinct(MAX_ENTRIES), ...distinct(MAX_ENTRIES)].join(',')).entries).toHaveLength(MAX_ENTRIES);
  });

  it('reports invalid entries next to the count limit', () => {
    const errors = errorsOf([...distinct(MAX_ENTRIES), 'abc'].join(','));
    expect(errors.map((e) => e.entry)).toEqual(['', 'abc']);
  });

  it(`accepts exactly ${MAX_INPUT_BYTES} UTF-8 bytes and rejects one more`, () => {
    // NBSP is a separator and two bytes in UTF-8, so this also checks that bytes, not characters, count.
    const exact = `1.2.3.4 ${'\u00a0'.repeat((MAX_INPUT_BYTES - 8) / 2)}`;
    expect(exact.length).toBeLessThan(MAX_INPUT_BYTES);
    expect(ok(exact).canonical).toBe('1.2.3.4');
    const over = `${exact}\u00a0`;
    expect(errorsOf(over)).toEqual([{ entry: '', code: 'list_too_long', values: { max: 65536 }, reason: expect.stringContaining('65,536 bytes') }]);
    expect(errorsOf(' '.repeat(MAX_INPUT_BYTES + 1))[0]!.entry).toBe('');
    expect(errorsOf('x'.repeat(10 * MAX_INPUT_BYTES))).toHaveLength(1);
  });

  it('counts bytes as TextEncoder does (surrogate pairs are 4 bytes, lone surrogates 3)', () => {
    const isSizeError = (input: string) => {
      const result = parseAllowNets(input);
      return !result.ok && result.errors[0]?.entry === '';
    };
    expect(isSizeError('😀'.repeat(MAX_INPUT_BYTES / 4))).toBe(false);
    expect(isSizeError('😀'.repeat(MAX_INPUT_BYTES / 4 + 1))).toBe(true);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const padded = text + ' '.repeat(MAX_INPUT_BYTES - new TextEncoder().encode(text).length);
        expect(isSizeError(padded)).toBe(false);
        expect(isSizeError(`${padded} `)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('describeErrors', () => {
  it('gives one line naming each entry and its reason', () => {
    expect(describeErrors(errorsOf('10.0.0.1/33, abc'))).toBe(
      '"10.0.0.1/33": prefix length must be between 0 and 32; "abc": not an IP address or network',
    );
  });

  it('shortens long lists and long entries', () => {
    const line = describeErrors(errorsOf(Array.from({ length: 25 }, (_, i) => `bad${i}`).join(' ')));
    expect(line).toContain('"bad19"');
    expect(line).not.toContain('"bad20"');
    expect(line).toMatch(/; and 5 more invalid entries$/);
    expect(describeErrors(errorsOf('z'.repeat(5000))).length).toBeLessThan(120);
  });
});

describe('parseAddress', () => {
  it.each([
    ['203.0.113.7', 4, '203.0.113.7'],
    ['0.0.0.0', 4, '0.0.0.0'],
    ['255.255.255.255', 4, '255.255.255.255'],
    ['::ffff:203.0.113.7', 4, '203.0.113.7'],
    ['::FFFF:CB00:7107', 4, '203.0.113.7'],
    ['::ffff:127.0.0.1%lo', 4, '127.0.0.1'],
    ['2001:DB8:0:0:0:0:0:1', 6, '2001:db8::1'],
    ['fe80::1%eth0', 6, 'fe80::1'],
    ['fe80::1%br-lan.100', 6, 'fe80::1'],
    ['::1', 6, '::1'],
    ['::', 6, '::'],
    ['::1.2.3.4', 6, '::102:304'],
    ['64:ff9b::192.0.2.33', 6, '64:ff9b::c000:221'],
  ])('%s -> IPv%s %s', (input, family, text) => {
    expect(parseAddress(input)).toMatchObject({ family, text });
  });

  it.each([
    null,
    undefined,
    '',
    ' 203.0.113.7',
    '203.0.113.7 ',
    '203.0.113.7/32',
    '203.0.113.0/24',
    '2001:db8::/32',
    '203.0.113.7:443',
    '[2001:db8::1]',
    '[2001:db8::1]:443',
    '010.1.1.1',
    '1.2.3',
    '127.1',
    '0x7f000001',
    '2130706433',
    '300.1.1.1',
    'unknown',
    'fe80::1%',
    'fe80::1%eth 0',
    '::ffff:010.1.1.1',
    '2001:db8::1::1',
    `${'1'.repeat(200)}`,
  ])('rejects %j', (input) => {
    expect(parseAddress(input)).toBeNull();
  });

  it('accepts the same strings as node:net (zone ids aside) and writes IPv6 like the WHATWG URL serialiser', () => {
    const v6Text = fc.tuple(v6Parts, fc.integer({ min: 0, max: 3 })).map(([parts, style]) => {
      const ip = new ipaddr.IPv6(parts);
      return [ip.toRFC5952String(), ip.toNormalizedString(), fixedLength(ip), ip.toRFC5952String().toUpperCase()][style]!;
    });
    const mutated = fc
      .tuple(fc.oneof(v6Text, v4Value.map(v4FromNumber)), fc.nat(60), fc.constantFrom('', ':', '.', '0', 'f', '::', '1.2.3.4', '00'), fc.nat(3))
      .map(([text, at, insert, remove]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + remove);
      });
    fc.assert(
      fc.property(fc.oneof(v6Text, mutated, fc.stringMatching(/^[0-9a-f:.]{0,20}$/)), (text) => {
        const parsed = parseAddress(text);
        expect(parsed !== null).toBe(isIP(text) !== 0);
        if (parsed !== null && isIP(text) === 6 && parsed.family === 6) {
          expect(parsed.text).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts exactly the four-part decimal IPv4 strings that ipaddr.js accepts, with the same value', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,4}\.\d{1,4}\.\d{1,4}\.\d{1,4}$/), (text) => {
        const parsed = parseAddress(text);
        expect(parsed !== null).toBe(ipaddr.IPv4.isValidFourPartDecimal(text));
        if (parsed !== null && parsed.family === 4) expect(parsed.value).toBe(ipaddr.IPv4.parse(text).toByteArray().reduce((a, b) => a * 256 + b, 0));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('matching', () => {
  const list = '198.51.100.0/24,203.0.113.7,2001:db8::/32,2001:db8:1::1';

  it.each([
    ['198.51.100.0', true],
    ['198.51.100.255', true],
    ['198.51.101.0', false],
    ['198.51.99.255', false],
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['203.0.113.6', false],
    ['::ffff:198.51.100.20', true],
    ['::ffff:203.0.113.7', true],
    ['::ffff:203.0.113.8', false],
    ['2001:db8::1', true],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db9::', false],
    ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['2001:db8:1::1', true],
    ['fe80::1%eth0', false],
  ])('%s -> %s', (address, expected) => {
    expect(allows(list, address)).toBe(expected);
  });

  it('keeps families apart', () => {
    expect(allows('0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(allows('0.0.0.0/0', '::1')).toBe(false);
    expect(allows('0.0.0.0/0', '::ffff:192.0.2.1')).toBe(true);
    expect(allows('::/0', '192.0.2.1')).toBe(false);
    // A mapped client is IPv4, so even ::/0 does not let it in.
    expect(allows('::/0', '::ffff:192.0.2.1')).toBe(false);
    expect(allows('::/0', '::')).toBe(true);
    // ::/96 holds ::1.2.3.4 (an IPv6 address), not the IPv4 client 1.2.3.4.
    expect(allows('::/96', '1.2.3.4')).toBe(false);
    expect(allows('::/96', '::1.2.3.4')).toBe(true);
  });

  it('denies unknown and unparsable addresses', () => {
    const all = allowlistFor('0.0.0.0/0,::/0');
    expect(all.allows(null)).toBe(false);
    for (const garbage of ['', 'unknown', '1.2.3.4:80', '[::1]', '010.0.0.1', undefined, null]) {
      expect(all.allows(parseAddress(garbage))).toBe(false);
    }
  });

  it('handles the edges of the address space and overlapping, nested and adjacent entries', () => {
    const l = '0.0.0.0/32,255.255.255.255,10.0.0.0/8,10.1.0.0/16,11.0.0.0/8,12.0.0.0/9,12.128.0.0/9,::/128,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
    for (const a of ['0.0.0.0', '255.255.255.255', '10.1.2.3', '11.255.255.255', '12.0.0.0', '12.255.255.255', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
      expect(allows(l, a)).toBe(true);
    }
    for (const a of ['0.0.0.1', '255.255.255.254', '9.255.255.255', '13.0.0.0', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe']) {
      expect(allows(l, a)).toBe(false);
    }
  });

  it('an empty compiled list allows nothing', () => {
    const empty = compileAllowlist([]);
    expect(empty.size).toBe(0);
    expect(empty.allows(parseAddress('192.0.2.1'))).toBe(false);
  });

  it('reports the number of entries as size', () => {
    expect(allowlistFor(list).size).toBe(4);
  });
});

describe('compileAllowlist and allowlistFor', () => {
  it('rejects hand-made entries that are not canonical', () => {
    expect(() => compileAllowlist([{ text: '10.1.2.3/8', family: 4, prefix: 8 }])).toThrow(TypeError);
    expect(() => compileAllowlist([{ text: '10.0.0.0/8', family: 6, prefix: 8 }])).toThrow(TypeError);
    expect(() => compileAllowlist([{ text: '10.0.0.0/8', family: 4, prefix: 16 }])).toThrow(TypeError);
    expect(() => compileAllowlist([{ text: 'abc', family: 4, prefix: 32 }])).toThrow(TypeError);
    expect(() => compileAllowlist([{ text: '2001:DB8::1', family: 6, prefix: 128 }])).toThrow(TypeError);
  });

  it('throws on an invalid or empty stored list', () => {
    expect(() => allowlistFor('10.0.0.0/33')).toThrow(/prefix length/);
    expect(() => allowlistFor('')).toThrow(/empty/);
    expect(() => allowlistFor(' , ')).toThrow(/empty/);
  });

  it('memoises the 500 most recently used lists', () => {
    const first = allowlistFor('192.0.2.1');
    expect(allowlistFor('192.0.2.1')).toBe(first);
    for (let i = 0; i < 499; i++) allowlistFor(`198.18.${i >> 8}.${i & 255}`);
    expect(allowlistFor('192.0.2.1')).toBe(first); // touched: now the most recent
    for (let i = 499; i < 998; i++) allowlistFor(`198.18.${i >> 8}.${i & 255}`);
    expect(allowlistFor('192.0.2.1')).toBe(first);
    for (let i = 998; i < 1498; i++) allowlistFor(`198.18.${i >> 8}.${i & 255}`);
    expect(allowlistFor('192.0.2.1')).not.toBe(first);
  });
});

describe('properties', () => {
  it('normalisation is idempotent and order-preserving', () => {
    fc.assert(
      fc.property(listInput, (input) => {
        const first = ok(input);
        const again = ok(first.canonical);
        expect(again.canonical).toBe(first.canonical);
        expect(again.entries).toEqual(first.entries);
        expect(again.warnings.some((w) => w.message.includes('host bits'))).toBe(false);
        expect(first.canonical).not.toMatch(/[\sA-F]|,,/);
      }),
      { numRuns: 500 },
    );
  });

  it('IPv6 canonical text follows RFC 5952 (as the WHATWG URL serialiser writes it)', () => {
    fc.assert(
      fc.property(v6Big, (n) => {
        const text = v6FromBig(n);
        const parsed = parseAllowNets(text);
        if (!parsed.ok || parsed.entries[0]?.family !== 6) return; // mapped and ::a.b.c.d-only cases
        expect(parsed.canonical).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 1000 },
    );
  });

  it('a compiled list matches every address inside each of its entries', () => {
    const v4Case = fc.record({ net: v4Value, prefix: fc.integer({ min: 0, max: 32 }), host: v4Value }).map(({ net, prefix, host }) => {
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      return { entry: `${v4FromNumber(net)}/${prefix}`, inside: v4FromNumber(((net & mask) | (host & ~mask)) >>> 0) };
    });
    const v6Case = fc.record({ net: v6Big, prefix: fc.integer({ min: 0, max: 128 }), host: v6Big }).map(({ net, prefix, host }) => {
      const hostMask = ALL_V6 >> BigInt(prefix);
      const inside = (net & ~hostMask & ALL_V6) | (host & hostMask);
      // An IPv4-mapped client is matched as IPv4 (spec §3), so an IPv6 entry rightly does not cover it.
      const mapped = inside >> 32n === 0xffffn;
      return { entry: `${v6FromBig(net)}/${prefix}`, inside: v6FromBig(inside), mapped };
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(v4Case, v6Case), { minLength: 1, maxLength: 40 }), (cases) => {
        const parsed = parseAllowNets(cases.map((c) => c.entry).join(','));
        if (!parsed.ok) return; // a random IPv6 entry hit the mapped or ::a.b.c.d special cases
        const compiled = compileAllowlist(parsed.entries);
        for (const c of cases) {
          const address = parseAddress(c.inside);
          expect(address).not.toBeNull();
          if ('mapped' in c && c.mapped) expect(address?.family).toBe(4);
          else expect(compiled.allows(address)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a compiled list matches exactly what a naive ipaddr.js loop matches', () => {
    // Probe addresses are drawn near entry boundaries as well as at random, so misses just outside a
    // network are tested, not only far-away ones.
    const scenario = fc.record({
      list: fc.array(netInput, { minLength: 1, maxLength: 40 }),
      probes: fc.array(
        fc.oneof(
          v4Value.map(v4FromNumber),
          v6Big.map(v6FromBig),
          v4Value.map((v) => `::ffff:${v4FromNumber(v)}`),
          fc.record({ pick: fc.nat(), delta: fc.integer({ min: -2, max: 2 }), end: fc.boolean() }),
        ),
        { minLength: 1, maxLength: 40 },
      ),
    });
    fc.assert(
      fc.property(scenario, ({ list, probes }) => {
        const parsed = ok(list.join(','));
        const compiled = compileAllowlist(parsed.entries);
        for (const probe of probes) {
          let text: string;
          if (typeof probe === 'string') text = probe;
          else {
            const e = parsed.entries[probe.pick % parsed.entries.length]!;
            const [net, bits] = ipaddr.parseCIDR(e.text.includes('/') ? e.text : `${e.text}/${e.family === 4 ? 32 : 128}`);
            if (e.family === 4) {
              const base = net.toByteArray().reduce((a, b) => a * 256 + b, 0);
              const size = 2 ** (32 - bits);
              const at = (probe.end ? base + size - 1 : base) + probe.delta;
              if (at < 0 || at > 0xffffffff) continue;
              text = v4FromNumber(at);
            } else {
              const base = net.toByteArray().reduce((a, b) => (a << BigInt(8)) | BigInt(b), BigInt(0));
              const size = BigInt(1) << BigInt(128 - bits);
              const at = (probe.end ? base + size - BigInt(1) : base) + BigInt(probe.delta);
              if (at < BigInt(0) || at > ALL_V6) continue;
              text = v6FromBig(at);
            }
          }
          const address = parseAddress(text);
          expect(address).not.toBeNull();
          expect(compiled.allows(address)).toBe(referenceAllows(parsed.entries, address!.text));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('a set name typed without its @', () => {
  it('suggests the set when the account has one of that name', () => {
    const parsed = parseAllowNets('203.0.113.0/24, Office', { references: new Set(['office']) });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toEqual([{ entry: 'Office', code: 'not_an_address', values: {}, suggestion: 'office', reason: 'not an IP address or network: did you mean @office?' }]);
    // No such set: no suggestion.
    const other = parseAllowNets('branch', { references: new Set(['office']) });
    expect(!other.ok && other.errors[0]?.reason).toBe('not an IP address or network');
  });
});

describe('plainListAllows (an admin\'s or an app password\'s own list)', () => {
  it('NULL admits every address, a list only its networks, and an unknown address is denied', () => {
    expect(plainListAllows(null, '203.0.113.9')).toBe(true);
    expect(plainListAllows(null, null)).toBe(true);
    expect(plainListAllows('192.0.2.0/24', '192.0.2.77')).toBe(true);
    expect(plainListAllows('192.0.2.0/24', '198.51.100.1')).toBe(false);
    expect(plainListAllows('192.0.2.0/24', null)).toBe(false);
    expect(plainListAllows('192.0.2.0/24', 'not an address')).toBe(false);
  });
});

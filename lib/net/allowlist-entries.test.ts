import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress, parseAllowNets } from './allowlist';
import { compileList, entriesOf, parseEntries, parseExpiry, parsePlainKeepingInfo, type SetContent } from './allowlist-entries';

const T = Date.UTC(2026, 10, 28, 12, 0, 0);
const allows = (list: ReturnType<typeof compileList>, ip: string) => list.allowlist.allows(parseAddress(ip));

function stored(rows: Parameters<typeof parseEntries>[0], refs: Parameters<typeof parseEntries>[1] = 'any') {
  const parsed = parseEntries(rows, refs);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { canonical: parsed.canonical!, meta: parsed.meta };
}

describe('parseAllowNets with @name references', () => {
  it('refuses references where sets do not apply (TRUSTED_PROXIES, default)', () => {
    const r = parseAllowNets('@office');
    expect(r.ok).toBe(false);
  });
  it('keeps references in order, lower-cased, deduplicated', () => {
    const r = parseAllowNets('@Office, 203.0.113.7 @office,@vpn', { references: 'any' });
    expect(r.ok && r.canonical).toBe('@office,203.0.113.7,@vpn');
    expect(r.ok && r.references).toEqual(['office', 'vpn']);
  });
  it('an unknown @name is an invalid entry naming it', () => {
    const r = parseAllowNets('203.0.113.7,@nope', { references: new Set(['office']) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([{ entry: '@nope', code: 'unknown_set', values: { name: 'nope' }, reason: 'unknown network set "@nope"' }]);
  });
  it('a badly formed @name is invalid', () => {
    const r = parseAllowNets('@bad_name', { references: 'any' });
    expect(!r.ok && r.errors[0]?.entry).toBe('@bad_name');
  });
});

describe('parseEntries', () => {
  it('validates rows, keeps labels and expiry in the side map', () => {
    const r = parseEntries([{ net: '198.51.100.7/24', label: ' Office  Berlin ', expiresAt: T }, { net: '2001:DB8::1' }, { net: '' }], 'any');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.canonical).toBe('198.51.100.0/24,2001:db8::1');
    expect(r.meta).toEqual({ '198.51.100.0/24': { label: 'Office Berlin', expiresAt: T } });
  });
  it('reports each bad row by name', () => {
    const r = parseEntries([{ net: '300.1.1.1' }, { net: '1.2.3.4', label: 'x'.repeat(101) }, { net: '1.1.1.1,2.2.2.2' }], 'any');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.entry)).toEqual(['300.1.1.1', '1.2.3.4', '1.1.1.1,2.2.2.2']);
  });
  it('accepts a 100-character label', () => {
    expect(parseEntries([{ net: '1.2.3.4', label: 'x'.repeat(100) }], 'any').ok).toBe(true);
  });
  it('no rows means unrestricted', () => {
    const r = parseEntries([], 'any');
    expect(r.ok && r.canonical).toBe(null);
  });
});

describe('plain string keeping labels', () => {
  it('labels survive a plain-string set that keeps the same network', () => {
    const before = stored([{ net: '198.51.100.0/24', label: 'office', expiresAt: T }, { net: '203.0.113.7', label: 'gone' }]);
    const r = parsePlainKeepingInfo(' 198.51.100.7/24 , 192.0.2.1', before.meta, 'any');
    expect(r.ok && r.canonical).toBe('198.51.100.0/24,192.0.2.1');
    expect(r.ok && r.meta).toEqual({ '198.51.100.0/24': { label: 'office', expiresAt: T } });
  });
  it('round-trips the stored string unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.string({ maxLength: 20 })), { maxLength: 20 }), (rows) => {
        const list = stored(rows.map(([a, b, label]) => ({ net: `${a}.${b}.0.0/16`, label })));
        if (list.canonical === null) return;
        const again = parsePlainKeepingInfo(list.canonical, list.meta, 'any');
        expect(again.ok && again.canonical).toBe(list.canonical);
        expect(again.ok && again.meta).toEqual(list.meta);
      }),
    );
  });
});

describe('compileList', () => {
  it('an entry admits until its expiry instant and not at it', () => {
    const list = stored([{ net: '203.0.113.7', expiresAt: T }, { net: '198.51.100.0/24' }]);
    const before = compileList(list, new Map(), T - 1);
    expect(allows(before, '203.0.113.7')).toBe(true);
    expect(before.nextExpiry).toBe(T);
    const at = compileList(list, new Map(), T);
    expect(allows(at, '203.0.113.7')).toBe(false);
    expect(allows(at, '198.51.100.9')).toBe(true);
    expect(at.nextExpiry).toBe(null);
  });
  it('a list whose entries have all expired refuses everything', () => {
    const list = stored([{ net: '203.0.113.7', expiresAt: T }, { net: '::/0', expiresAt: T - 5 }]);
    const compiled = compileList(list, new Map(), T);
    for (const ip of ['203.0.113.7', '2001:db8::1', '1.1.1.1']) expect(allows(compiled, ip)).toBe(false);
    expect(compiled.effective).toEqual([]);
  });
  it('expands @sets and admits the union', () => {
    const sets = new Map<string, SetContent>([
      ['office', { canonical: '192.0.2.0/24', meta: null }],
      ['vpn', { canonical: '2001:db8::/32,198.51.100.7', meta: { '198.51.100.7': { expiresAt: T } } }],
    ]);
    const list = stored([{ net: '@office' }, { net: '203.0.113.7' }, { net: '@vpn' }]);
    const c = compileList(list, sets, T - 10);
    for (const ip of ['192.0.2.9', '203.0.113.7', '2001:db8::5', '198.51.100.7']) expect(allows(c, ip)).toBe(true);
    expect(allows(c, '198.51.100.8')).toBe(false);
    expect(c.nextExpiry).toBe(T);
    expect(c.effective).toEqual(['203.0.113.7', '192.0.2.0/24', '2001:db8::/32', '198.51.100.7']);
    expect(allows(compileList(list, sets, T), '198.51.100.7')).toBe(false);
  });
  it('an @set reference with an expiry ends the whole set at that instant', () => {
    const sets = new Map<string, SetContent>([['office', { canonical: '192.0.2.0/24', meta: null }]]);
    const list = stored([{ net: '@office', expiresAt: T }]);
    expect(allows(compileList(list, sets, T - 1), '192.0.2.1')).toBe(true);
    expect(allows(compileList(list, sets, T), '192.0.2.1')).toBe(false);
  });
  it('says until when each network in force is admitted: the latest of the entries admitting it', () => {
    const sets = new Map<string, SetContent>([
      ['office', { canonical: '192.0.2.0/24,203.0.113.7', meta: { '203.0.113.7': { expiresAt: T + 50 } } }],
      ['vpn', { canonical: '198.51.100.7', meta: null }],
    ]);
    const list = stored([{ net: '203.0.113.7', expiresAt: T + 10 }, { net: '@office', expiresAt: T + 100 }, { net: '@vpn' }, { net: '198.51.100.7', expiresAt: T + 5 }]);
    const c = compileList(list, sets, T);
    expect(c.effective).toEqual(['203.0.113.7', '198.51.100.7', '192.0.2.0/24']);
    // 198.51.100.7: own entry until T+5, but @vpn admits it without expiry. 203.0.113.7: own T+10, via @office min(T+50, T+100).
    expect(c.effectiveUntil).toEqual([T + 50, null, T + 100]);
  });
  it('a reference to a set that no longer exists contributes nothing (fail closed)', () => {
    const c = compileList(stored([{ net: '@gone' }]), new Map(), T);
    expect(allows(c, '192.0.2.1')).toBe(false);
  });
  it('property: compiled at t, an entry matches iff it has not expired at t', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 223 }), fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null })), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: -1000, max: 1000 }),
        (rows, offset) => {
          const now = T + offset;
          const parsed = parseEntries(rows.map(([a, exp]) => ({ net: `${a}.0.0.1`, expiresAt: exp === null ? null : T + exp })), 'none');
          if (!parsed.ok) throw new Error('unexpected');
          const c = compileList({ canonical: parsed.canonical!, meta: parsed.meta }, new Map(), now);
          for (const e of entriesOf({ canonical: parsed.canonical, meta: parsed.meta })) {
            expect(allows(c, e.net)).toBe(e.expiresAt === null || e.expiresAt > now);
          }
          const future = parsed.entries.map((e) => e.expiresAt).filter((x): x is number => x !== null && x > now);
          expect(c.nextExpiry).toBe(future.length ? Math.min(...future) : null);
        },
      ),
    );
  });
});

describe('parseExpiry', () => {
  it('takes ISO 8601 with a zone', () => {
    expect(parseExpiry('2026-11-28T12:00:00Z')).toBe(T);
    expect(parseExpiry('')).toBe(null);
    expect(parseExpiry('tomorrow')).toHaveProperty('error');
    expect(parseExpiry('2026-11-28T12:00:00')).toHaveProperty('error');
  });
});

import { describe, expect, it } from 'vitest';
import { addAddress, appendAddress } from './nets-draft';

describe('appendAddress', () => {
  it('appends with a comma, trimming trailing separators, and keeps a draft that already lists the address', () => {
    expect(appendAddress('198.51.100.0/24, \n', '203.0.113.7')).toBe('198.51.100.0/24, 203.0.113.7');
    expect(appendAddress('', '203.0.113.7')).toBe('203.0.113.7');
    expect(appendAddress('203.0.113.7', '203.0.113.7')).toBe('203.0.113.7');
    expect(appendAddress('x', null)).toBe('x');
  });

  it('answers hostile drafts in linear time (attack: 40,000 spaces then "x", and a 1 MB field)', () => {
    const started = performance.now();
    const spaces = `${' '.repeat(40_000)}x`;
    expect(appendAddress(spaces, '203.0.113.7')).toBe(`${spaces}, 203.0.113.7`);
    const huge = `${' ,'.repeat(500_000)}x`;
    expect(appendAddress(huge, '203.0.113.7')).toBe(huge);
    const trailing = `203.0.113.1${' '.repeat(60_000)}`;
    expect(appendAddress(trailing, '203.0.113.7')).toBe('203.0.113.1, 203.0.113.7');
    // The quadratic version took about 5 s for the first case alone.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('addAddress', () => {
  it('does not add the address twice, whatever else the draft holds, and says it is already in the list', () => {
    const once = addAddress('198.51.100.0/24', '203.0.113.7');
    expect(once).toEqual({ draft: '198.51.100.0/24, 203.0.113.7', outcome: 'added' });
    // The second click: a mailbox draft with a set reference used to fail the check and append it again.
    expect(addAddress(`@office, ${once.draft}`, '203.0.113.7')).toEqual({ draft: `@office, ${once.draft}`, outcome: 'already' });
    expect(addAddress('nope, 203.0.113.7', '203.0.113.7').outcome).toBe('already');
    expect(addAddress('203.0.113.7/32', '203.0.113.7').outcome).toBe('already');
    expect(addAddress('2001:db8:0:0::1', '2001:db8::1').outcome).toBe('already');
    expect(addAddress('x', null)).toEqual({ draft: 'x', outcome: 'unknown' });
  });
});

import { describe, expect, it } from 'vitest';
import { textDigest } from './form-digest';

describe('textDigest', () => {
  it('is stable and tells apart texts that differ in one character, in order or in length', () => {
    expect(textDigest('198.51.100.0/24,2001:db8::1')).toBe(textDigest('198.51.100.0/24,2001:db8::1'));
    expect(textDigest('198.51.100.0/24')).not.toBe(textDigest('198.51.100.1/24'));
    expect(textDigest('a,b')).not.toBe(textDigest('b,a'));
    expect(textDigest('')).not.toBe(textDigest(' '));
  });

  it('has no collisions among 100,000 similar lists', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(textDigest(`10.${i >> 8}.${i & 255}.0/24,@office`));
    expect(seen.size).toBe(100_000);
  });
});

import { describe, expect, it } from 'vitest';
import { expiredWithin, listTakesAway, MAX_RETRY_DELAY_MS, retryDelayMs } from './policy';

describe('listTakesAway', () => {
  const list = (canonical: string | null, meta: Record<string, { expiresAt?: number; label?: string }> | null = null) => ({ canonical, meta });

  it('is true for a new restriction, a removed entry or set, and an expiry brought forward', () => {
    expect(listTakesAway(list(null), list('198.51.100.0/24'))).toBe(true);
    expect(listTakesAway(list('198.51.100.0/24,203.0.113.7'), list('198.51.100.0/24'))).toBe(true);
    expect(listTakesAway(list('@office,203.0.113.7'), list('203.0.113.7'))).toBe(true);
    expect(listTakesAway(list('203.0.113.7'), list('203.0.113.7', { '203.0.113.7': { expiresAt: 5_000 } }))).toBe(true);
    expect(listTakesAway(list('203.0.113.7', { '203.0.113.7': { expiresAt: 9_000 } }), list('203.0.113.7', { '203.0.113.7': { expiresAt: 5_000 } }))).toBe(true);
  });

  it('is false for added entries, a lifted restriction, a relabel and a later or removed expiry', () => {
    expect(listTakesAway(list('203.0.113.7'), list('203.0.113.7,198.51.100.0/24'))).toBe(false);
    expect(listTakesAway(list('203.0.113.7'), list(null))).toBe(false);
    expect(listTakesAway(list(null), list(null))).toBe(false);
    expect(listTakesAway(list('203.0.113.7'), list('203.0.113.7', { '203.0.113.7': { label: 'Home' } }))).toBe(false);
    expect(listTakesAway(list('203.0.113.7', { '203.0.113.7': { expiresAt: 5_000 } }), list('203.0.113.7', { '203.0.113.7': { expiresAt: 9_000 } }))).toBe(false);
    expect(listTakesAway(list('203.0.113.7', { '203.0.113.7': { expiresAt: 5_000 } }), list('203.0.113.7'))).toBe(false);
    // A set that had no networks loses nothing.
    expect(listTakesAway(list(''), list('198.51.100.0/24'))).toBe(false);
  });
});

describe('expiredWithin', () => {
  it('finds an expiry in (from, to] only', () => {
    const meta = { '203.0.113.7': { expiresAt: 10_000 }, '198.51.100.0/24': { label: 'Office' } };
    const list = { canonical: '203.0.113.7,198.51.100.0/24', meta };
    expect(expiredWithin(list, 9_999, 10_000)).toBe(true);
    expect(expiredWithin(list, 10_000, 20_000)).toBe(false);
    expect(expiredWithin(list, 0, 9_999)).toBe(false);
    expect(expiredWithin({ canonical: '203.0.113.7', meta: null }, 0, 1e15)).toBe(false);
    // Expiry of an entry no longer in the list refuses nobody.
    expect(expiredWithin({ canonical: '198.51.100.0/24', meta }, 0, 1e15)).toBe(false);
    expect(expiredWithin({ canonical: null, meta }, 0, 1e15)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 1 s and never waits more than 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(retryDelayMs(10_000)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(0)).toBe(1000);
  });
});

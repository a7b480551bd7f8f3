import { describe, expect, it } from 'vitest';
import { createRefusalMemo, REFUSAL_MEMO_MS } from './refusal-memo';

describe('refusal memo', () => {
  const t0 = 1_000_000;

  it('refuses for at most a second, and never past the instant the bucket frees', () => {
    const memo = createRefusalMemo();
    memo.remember('a', t0 + 15 * 60_000, t0);
    memo.remember('b', t0 + 300, t0);
    expect(memo.refusal(['a'], t0 + REFUSAL_MEMO_MS - 1)).toEqual({ bucket: 'a', retryAt: t0 + 15 * 60_000 });
    expect(memo.refusal(['a'], t0 + REFUSAL_MEMO_MS)).toBeNull();
    expect(memo.refusal(['b'], t0 + 299)).toEqual({ bucket: 'b', retryAt: t0 + 300 });
    expect(memo.refusal(['b'], t0 + 300)).toBeNull();
    // Expired entries are dropped when met.
    expect(memo.size).toBe(0);
  });

  it('answers for any of the buckets asked, and forgets what a success touched', () => {
    const memo = createRefusalMemo();
    memo.remember('addr', t0 + 60_000, t0);
    expect(memo.refusal(['subj', 'addr', 'all'], t0 + 10)).toEqual({ bucket: 'addr', retryAt: t0 + 60_000 });
    memo.forget(['subj', 'addr']);
    expect(memo.refusal(['subj', 'addr', 'all'], t0 + 10)).toBeNull();
  });

  it('ignores a refusal that is already over, and stays within its size (oldest out first)', () => {
    const memo = createRefusalMemo({ maxEntries: 3 });
    memo.remember('past', t0, t0);
    expect(memo.size).toBe(0);
    for (const key of ['k1', 'k2', 'k3', 'k4']) memo.remember(key, t0 + 60_000, t0);
    expect(memo.size).toBe(3);
    expect(memo.refusal(['k1'], t0)).toBeNull();
    expect(memo.refusal(['k4'], t0)).not.toBeNull();
  });
});

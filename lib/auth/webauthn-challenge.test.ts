import { describe, expect, it } from 'vitest';
import { ChallengeStore } from './webauthn-challenge';

describe('ChallengeStore', () => {
  it('gives a challenge once, to the session and purpose it was issued for', () => {
    const store = new ChallengeStore({ clock: () => 1_000 });
    store.put('sign-in', 'sid-a', 'c1');
    expect(store.take('sign-in', 'sid-b')).toBeNull();
    expect(store.take('registration', 'sid-a')).toBeNull();
    expect(store.take('sign-in', 'sid-a')).toBe('c1');
    expect(store.take('sign-in', 'sid-a')).toBeNull();
  });

  it('forgets a challenge after its lifetime', () => {
    let now = 0;
    const store = new ChallengeStore({ ttlMs: 120_000, clock: () => now });
    store.put('sign-in', 'sid', 'c1');
    now = 119_999;
    expect(store.take('sign-in', 'sid')).toBe('c1');
    store.put('sign-in', 'sid', 'c2');
    now += 120_000;
    expect(store.take('sign-in', 'sid')).toBeNull();
    // An expired challenge is gone too, not only refused.
    expect(store.size).toBe(0);
  });

  it('replaces an earlier challenge of the same session', () => {
    const store = new ChallengeStore({ clock: () => 0 });
    store.put('registration', 'sid', 'old');
    store.put('registration', 'sid', 'new');
    expect(store.take('registration', 'sid')).toBe('new');
  });

  it('stays within its bound, dropping expired entries first, then the oldest', () => {
    let now = 0;
    const store = new ChallengeStore({ ttlMs: 10, maxEntries: 3, clock: () => now });
    store.put('sign-in', 'a', 'a');
    now = 20;
    store.put('sign-in', 'b', 'b');
    store.put('sign-in', 'c', 'c');
    store.put('sign-in', 'd', 'd');
    expect(store.size).toBe(3);
    expect(store.take('sign-in', 'b')).toBe('b');
    store.put('sign-in', 'e', 'e');
    store.put('sign-in', 'f', 'f');
    expect(store.size).toBe(3);
    expect(store.take('sign-in', 'c')).toBeNull();
    expect(store.take('sign-in', 'f')).toBe('f');
  });
});

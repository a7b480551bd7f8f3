import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { webauthnChallenges } from '@/db/schema';
import { getDb } from '@/db';
import { databaseTarget, openEngine } from '@/db/engine';
import { makeAccount } from '@/lib/testing/factories';
import { ChallengeStore, MAX_PENDING_PER_ADMIN, type ChallengePurpose } from './webauthn-challenge';
import { hashSessionId } from '@/lib/session/row';

const rowsOf = (adminId: number) =>
  getDb().select({ sessionHash: webauthnChallenges.sessionHash, challenge: webauthnChallenges.challenge, purpose: webauthnChallenges.purpose }).from(webauthnChallenges).where(eq(webauthnChallenges.adminId, adminId));
const key = (adminId: number, sessionId: string, purpose: ChallengePurpose = 'sign-in') => ({ purpose, adminId, sessionId });

describe(`ChallengeStore (${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('gives a challenge once, to the session, admin and purpose it was issued for; a replay finds nothing', async () => {
    const { adminId } = await makeAccount();
    const other = await makeAccount();
    const store = new ChallengeStore();
    await store.put(key(adminId, 'sid-a'), 'c1');
    expect(await store.take(key(adminId, 'sid-b'))).toBeNull();
    expect(await store.take(key(adminId, 'sid-a', 'registration'))).toBeNull();
    expect(await store.take(key(other.adminId, 'sid-a'))).toBeNull();
    expect(await store.take(key(adminId, 'sid-a'))).toBe('c1');
    expect(await store.take(key(adminId, 'sid-a'))).toBeNull();
    expect(await rowsOf(adminId)).toEqual([]);
  });

  it('stores the session id only as its SHA-256', async () => {
    const { adminId } = await makeAccount();
    await new ChallengeStore().put(key(adminId, 'secret-session-id', 'registration'), 'c1');
    expect(await rowsOf(adminId)).toEqual([{ sessionHash: hashSessionId('secret-session-id'), challenge: 'c1', purpose: 'registration' }]);
  });

  it('refuses a challenge from its expiry instant on, and removes it', async () => {
    const { adminId } = await makeAccount();
    let now = 1_000_000;
    const store = new ChallengeStore({ ttlMs: 120_000, clock: () => now });
    await store.put(key(adminId, 'sid'), 'c1');
    now += 119_999;
    expect(await store.take(key(adminId, 'sid'))).toBe('c1');
    await store.put(key(adminId, 'sid'), 'c2');
    now += 120_000;
    expect(await store.take(key(adminId, 'sid'))).toBeNull();
    // An expired challenge is gone too, not only refused.
    expect(await rowsOf(adminId)).toEqual([]);
  });

  it('deletes expired challenges of every admin when one is issued', async () => {
    const first = await makeAccount();
    const second = await makeAccount();
    let now = 5_000_000;
    const store = new ChallengeStore({ ttlMs: 100, clock: () => now });
    await store.put(key(first.adminId, 'old-1'), 'c1');
    await store.put(key(first.adminId, 'old-2', 'registration'), 'c2');
    now += 100;
    await store.put(key(second.adminId, 'new'), 'c3');
    expect(await rowsOf(first.adminId)).toEqual([]);
    expect((await rowsOf(second.adminId)).map((r) => r.challenge)).toEqual(['c3']);
  });

  it('replaces an earlier challenge of the same session and purpose', async () => {
    const { adminId } = await makeAccount();
    const store = new ChallengeStore();
    await store.put(key(adminId, 'sid', 'registration'), 'old');
    await store.put(key(adminId, 'sid', 'registration'), 'new');
    await store.put(key(adminId, 'sid', 'sign-in'), 'other purpose');
    expect(await rowsOf(adminId)).toHaveLength(2);
    expect(await store.take(key(adminId, 'sid', 'registration'))).toBe('new');
    expect(await store.take(key(adminId, 'sid', 'sign-in'))).toBe('other purpose');
  });

  it('keeps at most the bound per admin, dropping the oldest; other admins keep theirs', async () => {
    const { adminId } = await makeAccount();
    const other = await makeAccount();
    let now = 9_000_000;
    const store = new ChallengeStore({ clock: () => now });
    await store.put(key(other.adminId, 'theirs'), 'theirs');
    for (let i = 0; i < MAX_PENDING_PER_ADMIN + 5; i++) {
      now += 1;
      await store.put(key(adminId, `sid-${i}`), `c${i}`);
    }
    const kept = (await rowsOf(adminId)).map((r) => r.challenge).sort();
    expect(kept).toHaveLength(MAX_PENDING_PER_ADMIN);
    expect(kept).toEqual(Array.from({ length: MAX_PENDING_PER_ADMIN }, (_, i) => `c${i + 5}`).sort());
    expect(await store.take(key(adminId, 'sid-0'))).toBeNull();
    expect(await store.take(key(adminId, `sid-${MAX_PENDING_PER_ADMIN + 4}`))).toBe(`c${MAX_PENDING_PER_ADMIN + 4}`);
    expect(await store.take(key(other.adminId, 'theirs'))).toBe('theirs');
  });

  it('holds to the bound after many concurrent issues for one admin', async () => {
    const { adminId } = await makeAccount();
    const store = new ChallengeStore({ maxPerAdmin: 3 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.put(key(adminId, `sid-${i}`), `c${i}`)));
    expect(await rowsOf(adminId)).toHaveLength(3);
  });

  it('refuses inputs beyond their size bound', async () => {
    const { adminId } = await makeAccount();
    const store = new ChallengeStore();
    await expect(store.put(key(adminId, 'sid'), 'x'.repeat(513))).rejects.toThrow(/length/);
    await expect(store.put(key(adminId, 's'.repeat(513)), 'c')).rejects.toThrow(/session id/);
    expect(await store.take(key(adminId, 's'.repeat(513)))).toBeNull();
    expect(await rowsOf(adminId)).toEqual([]);
  });

  it('of two concurrent takes of one challenge, exactly one gets it', async () => {
    const { adminId } = await makeAccount();
    const store = new ChallengeStore();
    for (let round = 0; round < 10; round++) {
      await store.put(key(adminId, `sid-${round}`), `c${round}`);
      const results = await Promise.all([store.take(key(adminId, `sid-${round}`)), store.take(key(adminId, `sid-${round}`))]);
      expect(results.filter((r) => r === `c${round}`)).toHaveLength(1);
      expect(results.filter((r) => r === null)).toHaveLength(1);
    }
  });

  describe('shared by instances on one database', () => {
    // A second connection (a pool of its own on PostgreSQL), as another instance behind nginx has.
    const elsewhere = openEngine(databaseTarget());
    afterAll(() => elsewhere.close());

    it('a challenge issued through one connection is taken through the other, once', async () => {
      const { adminId } = await makeAccount();
      const here = new ChallengeStore();
      const there = new ChallengeStore({ db: () => elsewhere.db });
      await here.put(key(adminId, 'sid'), 'issued-here');
      expect(await there.take(key(adminId, 'sid'))).toBe('issued-here');
      expect(await here.take(key(adminId, 'sid'))).toBeNull();
      expect(await there.take(key(adminId, 'sid'))).toBeNull();
    });

    it('two instances answering one challenge at once: exactly one of them gets it', async () => {
      const { adminId } = await makeAccount();
      const here = new ChallengeStore();
      const there = new ChallengeStore({ db: () => elsewhere.db });
      for (let round = 0; round < 10; round++) {
        await there.put(key(adminId, `sid-${round}`), `c${round}`);
        const results = await Promise.all([here.take(key(adminId, `sid-${round}`)), there.take(key(adminId, `sid-${round}`))]);
        expect(results.filter((r) => r === `c${round}`)).toHaveLength(1);
      }
    });
  });
});

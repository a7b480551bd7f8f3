import { describe, expect, it, vi } from 'vitest';
import { addressKeys } from './throttle-keys';
import {
  beginAttempt,
  MAX_FAILURES_PER_ADDRESS,
  MAX_FAILURES_PER_SITE,
  MAX_FAILURES_PER_SUBJECT,
  MAX_FAILURES_PER_SUBJECT_ADDRESS,
  pruneThrottleRows,
  rememberNetwork,
  throttleStatus,
  THROTTLE_WINDOW_MS,
  type AttemptRequest,
} from './throttle';
import { getDb } from '@/db';
import { sharedEngine } from '@/db/connection';
import { signInFailures } from '@/db/schema';
import { count, eq } from 'drizzle-orm';

const fail = async (request: AttemptRequest) => {
  const attempt = await beginAttempt(request);
  return attempt.limited;
};

describe('addressKeys', () => {
  it('keys IPv4 by address, IPv6 by /64 and /48, mapped IPv6 as IPv4; known networks are /24 and /56', () => {
    expect(addressKeys('192.0.2.7')).toEqual({ client: '192.0.2.7', site: null, known: '192.0.2.0/24' });
    expect(addressKeys('::ffff:192.0.2.7')).toEqual({ client: '192.0.2.7', site: null, known: '192.0.2.0/24' });
    expect(addressKeys('2001:db8:1:2:3:4:5:6')).toEqual({ client: '2001:db8:1:2::/64', site: '2001:db8:1::/48', known: '2001:db8:1:0::/56' });
    expect(addressKeys('2001:db8:1:2ff::1').client).toBe('2001:db8:1:2ff::/64');
    expect(addressKeys('2001:db8:1:2ff::1').known).toBe('2001:db8:1:200::/56');
    expect(addressKeys(null)).toEqual({ client: 'unknown', site: null, known: null });
    expect(addressKeys('junk')).toEqual({ client: 'unknown', site: null, known: null });
  });
});

describe('beginAttempt', () => {
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('limits one subject at one address after 10 attempts, then clears when the window passes', async () => {
    const at = (address: string, subject = 'a@x.test', now = t0) => ({ realm: 't1', subject, address, now });
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS; i++) expect(await fail(at('192.0.2.1', 'a@x.test', t0 + i))).toBe(false);
    expect(await beginAttempt(at('192.0.2.1', 'a@x.test', t0 + 11_000))).toMatchObject({ limited: true, retryAfterMinutes: 15 });
    expect(await throttleStatus(at('192.0.2.2'), t0 + 11_000)).toEqual({ limited: false });
    expect(await throttleStatus(at('192.0.2.1', 'b@x.test'), t0 + 11_000)).toEqual({ limited: false });
    expect(await throttleStatus(at('192.0.2.1'), t0 + THROTTLE_WINDOW_MS + 10)).toEqual({ limited: false });
  });

  it('counts concurrent attempts before their outcome: 100 at once admit exactly the limit', async () => {
    // Attack: every attempt starts (as a burst of requests would) before any of them finishes its check.
    const started = await Promise.all(Array.from({ length: 100 }, () => Promise.resolve().then(() => beginAttempt({ realm: 't2', subject: 'c@x.test', address: '192.0.2.3' }))));
    expect(started.filter((a) => !a.limited)).toHaveLength(MAX_FAILURES_PER_SUBJECT_ADDRESS);
  });

  // PostgreSQL runs the attempts' transactions concurrently on the pool's connections (READ COMMITTED):
  // without the per-bucket lock each would count the others' rows as absent and insert its own.
  it.runIf(Boolean(process.env.DATABASE_URL))('PostgreSQL: concurrent wrong attempts on separate connections evaluate at most the limit, and exactly that many rows are counted', async () => {
    const request = { realm: 't2pg', subject: 'pg@x.test', address: '192.0.2.30' };
    const started = await Promise.all(Array.from({ length: 60 }, () => beginAttempt(request)));
    expect(started.filter((a) => !a.limited)).toHaveLength(MAX_FAILURES_PER_SUBJECT_ADDRESS);
    const [row] = await getDb().select({ n: count() }).from(signInFailures).where(eq(signInFailures.key, `t2pg|subj|pg@x.test|192.0.2.30`));
    expect(row?.n).toBe(MAX_FAILURES_PER_SUBJECT_ADDRESS);
  });

  it('un-counts a successful attempt and clears the subject at that address', async () => {
    const request = { realm: 't3', subject: 'd@x.test', address: '192.0.2.4' };
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS - 1; i++) await beginAttempt(request);
    const ok = await beginAttempt(request);
    expect(ok.limited).toBe(false);
    if (!ok.limited) await ok.succeeded();
    expect(await throttleStatus(request)).toEqual({ limited: false });
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS; i++) expect(await fail(request)).toBe(false);
  });

  it('gives 20 addresses of one IPv6 /64 one budget (attack: rotating addresses)', async () => {
    const results: boolean[] = [];
    for (let i = 0; i < 20; i++) results.push(await fail({ realm: 't4', subject: 'e@x.test', address: `2001:db8:4:4::${(i + 1).toString(16)}` }));
    expect(results.filter((limited) => !limited)).toHaveLength(MAX_FAILURES_PER_SUBJECT_ADDRESS);
    // Another /64 is another client.
    expect(await fail({ realm: 't4', subject: 'e@x.test', address: '2001:db8:4:5::1' })).toBe(false);
  });

  it('limits an IPv6 /48 across its /64s with a higher limit', async () => {
    let admitted = 0;
    for (let i = 0; i < MAX_FAILURES_PER_SITE + 40; i++) {
      // A fresh /64 and subject each time: only the /48 aggregate can stop this.
      if (!await fail({ realm: 't5', subject: `s${i}@x.test`, address: `2001:db8:5:${i.toString(16)}::1` })) admitted++;
    }
    expect(admitted).toBe(MAX_FAILURES_PER_SITE);
  });

  it('limits one address across subjects', async () => {
    let admitted = 0;
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS + 5; i++) if (!await fail({ realm: 't6', subject: `u${i}@x.test`, address: '192.0.2.9' })) admitted++;
    expect(admitted).toBe(MAX_FAILURES_PER_ADDRESS);
    expect((await throttleStatus({ realm: 't6', subject: 'fresh@x.test', address: '192.0.2.10' })).limited).toBe(false);
  });

  it('limits one subject across all addresses, except from its known networks (attack: a botnet)', async () => {
    const subject = 'victim@x.test';
    await rememberNetwork('t7', subject, '198.51.100.20');
    let admitted = 0;
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT + 30; i++) {
      if (!await fail({ realm: 't7', subject, address: `203.0.${i >> 8}.${i & 255}` })) admitted++;
    }
    expect(admitted).toBe(MAX_FAILURES_PER_SUBJECT);
    // A fresh network is refused; the user's own /24 (another address in it) still may try.
    expect((await throttleStatus({ realm: 't7', subject, address: '192.0.2.200' })).limited).toBe(true);
    expect(await throttleStatus({ realm: 't7', subject, address: '198.51.100.99' })).toEqual({ limited: false });
  });

  it('shares the per-address bucket between realms that name the same addressRealm', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) await beginAttempt({ realm: i % 2 ? 't8a' : 't8b', subject: `v${i}@x.test`, address: '192.0.2.11', addressRealm: 't8' });
    expect((await throttleStatus({ realm: 't8a', subject: 'w@x.test', address: '192.0.2.11', addressRealm: 't8' })).limited).toBe(true);
    expect((await throttleStatus({ realm: 't8b', subject: 'w@x.test', address: '192.0.2.11', addressRealm: 't8' })).limited).toBe(true);
  });

  it('takes per-realm limits (a second factor: 5 per subject, wherever from)', async () => {
    const policy = { perSubject: { max: 5, windowMs: THROTTLE_WINDOW_MS }, knownNetworksExempt: false };
    let admitted = 0;
    for (let i = 0; i < 8; i++) if (!await fail({ realm: 't9', subject: '7', address: `192.0.2.${100 + i}`, policy })) admitted++;
    expect(admitted).toBe(5);
  });

  it('prunes rows older than any window', async () => {
    await beginAttempt({ realm: 't10', subject: 'p@x.test', address: '192.0.2.12', now: t0 - 2 * 24 * 60 * 60_000 });
    const rows = async () => (await getDb().select({ n: count() }).from(signInFailures))[0]!.n;
    const before = await rows();
    expect((await pruneThrottleRows()).attempts).toBeGreaterThanOrEqual(3);
    expect(await rows()).toBeLessThanOrEqual(before - 3);
  });
});

describe('beginAttempt with the refusal memo (lib/auth/refusal-memo.ts)', () => {
  const t0 = Date.UTC(2026, 0, 2, 12, 0, 0);
  const fill = async (request: AttemptRequest, n = MAX_FAILURES_PER_SUBJECT_ADDRESS) => {
    for (let i = 0; i < n; i++) await beginAttempt({ ...request, now: (request.now ?? t0) + i });
  };

  it('answers a flood of refusals without a write transaction once the database has decided one', async () => {
    const request = { realm: 'm1', subject: 'flood@x.test', address: '192.0.2.41', now: t0 };
    await fill(request);
    getDb();
    // The process's engine (opened by getDb): every transaction of db/'s `transaction` goes through it.
    const engine = sharedEngine(() => {
      throw new Error('not opened');
    });
    const transaction = vi.spyOn(engine, 'transaction');
    try {
      expect(await beginAttempt({ ...request, now: t0 + 100 })).toMatchObject({ limited: true, retryAfterMinutes: 15, bucket: `m1|subj|flood@x.test|192.0.2.41` });
      expect(transaction).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 100; i++) expect((await beginAttempt({ ...request, now: t0 + 200 + i })).limited).toBe(true);
      expect(transaction).toHaveBeenCalledTimes(1);
      // After a second the database is asked again.
      expect((await beginAttempt({ ...request, now: t0 + 100 + 1_000 })).limited).toBe(true);
      expect(transaction).toHaveBeenCalledTimes(2);
    } finally {
      transaction.mockRestore();
    }
  });

  it('forgets a refusal when a success in this process un-counts the bucket', async () => {
    const request = { realm: 'm2', subject: 'user@x.test', address: '192.0.2.42', now: t0 };
    const first = await beginAttempt(request);
    await fill({ ...request, now: t0 + 1 }, MAX_FAILURES_PER_SUBJECT_ADDRESS - 1);
    expect((await beginAttempt({ ...request, now: t0 + 50 })).limited).toBe(true);
    // The first attempt's password turns out right (its bcrypt finished last): the subject is cleared here.
    if (!first.limited) await first.succeeded();
    expect((await beginAttempt({ ...request, now: t0 + 60 })).limited).toBe(false);
  });

  it('follows the database within a second when another instance un-counts (spec §16)', async () => {
    const request = { realm: 'm3', subject: 'other@x.test', address: '192.0.2.43', now: t0 };
    await fill(request);
    expect((await beginAttempt({ ...request, now: t0 + 100 })).limited).toBe(true);
    // Another instance's success clears the subject at this address, in the shared database.
    await getDb().delete(signInFailures).where(eq(signInFailures.key, 'm3|subj|other@x.test|192.0.2.43'));
    expect((await beginAttempt({ ...request, now: t0 + 600 })).limited).toBe(true);
    expect((await beginAttempt({ ...request, now: t0 + 100 + 1_000 })).limited).toBe(false);
  });

  it('does not refuse from a known network on the strength of a remembered per-mailbox refusal', async () => {
    const subject = 'botnet-victim@x.test';
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT; i++) await beginAttempt({ realm: 'm4', subject, address: `203.0.114.${i + 1}`, now: t0 + i });
    expect(await beginAttempt({ realm: 'm4', subject, address: '198.51.100.50', now: t0 + 100 })).toMatchObject({ limited: true, bucket: `m4|all|${subject}` });
    // The user signs in from 198.51.100.0/24 through another instance: that network is known from now on.
    await rememberNetwork('m4', subject, '198.51.100.7', t0 + 150);
    expect((await beginAttempt({ realm: 'm4', subject, address: '198.51.100.50', now: t0 + 200 })).limited).toBe(false);
  });
});

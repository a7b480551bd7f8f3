import { describe, expect, it } from 'vitest';
import { addressAllowed } from '@/lib/session/check';
import { makeAccount, makeMailbox } from '@/lib/testing/factories';
import { createVerificationCache, type VerificationCacheOptions } from './verification-cache';

type Row = Parameters<typeof addressAllowed>[0] & { id: number; passwordHash: string; updatedAt: Date; active: boolean; allowNetsMode: 'enforce' | 'monitor' };

/** A cache whose "bcrypt" is a counted fake: hash `hash:<password>` matches `<password>`. */
function setup(options: Partial<VerificationCacheOptions<Row>> = {}) {
  let clock = 1_000_000;
  const compared: string[] = [];
  const cache = createVerificationCache<Row>({
    // The gate's own list check, as the mail-auth endpoint wires it (lib/mail-auth/verification-cache.ts).
    allows: addressAllowed,
    ttlMs: 60_000,
    now: () => clock,
    secret: () => 'unit-test-secret-unit-test-secret-unit',
    compare: async (password, hash) => {
      compared.push(password);
      await new Promise((r) => setTimeout(r, 5));
      return hash === `hash:${password}`;
    },
    ...options,
  });
  const row = (over: Partial<{ id: number; passwordHash: string; updatedAt: Date; active: boolean; listMailboxId: number; restricted: boolean; allowNetsMode: 'enforce' | 'monitor' }> = {}) => ({
    id: 1,
    accountId: 1,
    passwordHash: 'hash:right',
    updatedAt: new Date(500),
    active: true,
    listMailboxId: 1,
    restricted: false,
    allowNetsVersion: 0,
    allowNetsMode: 'enforce' as const,
    netSetsVersion: 0,
    ...over,
  });
  return { cache, compared, row, advance: (ms: number) => (clock += ms) };
}

describe('the password verification cache', () => {
  it('answers a repeated correct password without the slow comparison', async () => {
    const { cache, compared, row } = setup();
    const verify = cache.verifier('198.51.100.1');
    expect(await verify(row(), 'right')).toBe(true);
    expect(await verify(row(), 'right')).toBe(true);
    expect(await cache.verifier('203.0.113.5')(row(), 'right')).toBe(true);
    expect(compared).toEqual(['right']);
    expect(cache.size).toBe(1);
  });

  it('never caches a wrong password', async () => {
    const { cache, compared, row } = setup();
    const verify = cache.verifier(null);
    expect(await verify(row(), 'wrong')).toBe(false);
    expect(await verify(row(), 'wrong')).toBe(false);
    expect(compared).toEqual(['wrong', 'wrong']);
    expect(cache.size).toBe(0);
  });

  it('does not let a cached password stand for another one', async () => {
    const { cache, row } = setup();
    const verify = cache.verifier(null);
    await verify(row(), 'right');
    expect(await verify(row(), 'Right')).toBe(false);
    expect(await verify(row(), 'right ')).toBe(false);
  });

  it('starts over when the password changes: the old one is refused, the new one compared', async () => {
    const { cache, compared, row } = setup();
    const verify = cache.verifier(null);
    await verify(row(), 'right');
    const changed = row({ passwordHash: 'hash:new-one', updatedAt: new Date(600) });
    expect(await verify(changed, 'right')).toBe(false);
    expect(await verify(changed, 'new-one')).toBe(true);
    expect(compared).toEqual(['right', 'right', 'new-one']);
  });

  it('starts over after any other change to the mailbox (updated_at moved)', async () => {
    const { cache, compared, row } = setup();
    const verify = cache.verifier(null);
    await verify(row(), 'right');
    expect(await verify(row({ updatedAt: new Date(501) }), 'right')).toBe(true);
    expect(compared).toEqual(['right', 'right']);
  });

  it('keeps mailboxes apart', async () => {
    const { cache, compared, row } = setup();
    const verify = cache.verifier(null);
    await verify(row({ id: 1 }), 'right');
    await verify(row({ id: 2 }), 'right');
    expect(compared).toHaveLength(2);
  });

  it('forgets an entry after its time to live', async () => {
    const { cache, compared, row, advance } = setup();
    const verify = cache.verifier(null);
    await verify(row(), 'right');
    advance(59_999);
    await verify(row(), 'right');
    expect(compared).toHaveLength(1);
    advance(2);
    await verify(row(), 'right');
    expect(compared).toHaveLength(2);
  });

  it('pays the full comparison when the sign-in will be refused anyway, so a refusal takes as long as a wrong password', async () => {
    const { cache, compared, row } = setup();
    // The list is read from the database by its fingerprint (lib/netsets/compiled-list.ts): a real mailbox's.
    const { domain } = await makeAccount();
    const restricted = { restricted: true, listMailboxId: (await makeMailbox(domain, { allowNets: '203.0.113.0/24' })).id };
    await cache.verifier('203.0.113.5')(row(restricted), 'right');
    expect(compared).toHaveLength(1);
    // Warm for this row, but the client is outside the list, or the mailbox is inactive.
    expect(await cache.verifier('198.51.100.1')(row(restricted), 'right')).toBe(true);
    expect(await cache.verifier(null)(row(restricted), 'right')).toBe(true);
    expect(await cache.verifier('203.0.113.5')(row({ ...restricted, active: false }), 'right')).toBe(true);
    expect(compared).toHaveLength(4);
    // Inside the list again: warm.
    await cache.verifier('203.0.113.6')(row(restricted), 'right');
    expect(compared).toHaveLength(4);
  });

  it('lets concurrent attempts with the same password share one comparison', async () => {
    const { cache, compared, row } = setup();
    const verify = cache.verifier(null);
    const results = await Promise.all([verify(row(), 'right'), verify(row(), 'right'), verify(row(), 'right'), verify(row(), 'wrong')]);
    expect(results).toEqual([true, true, true, false]);
    expect(compared).toEqual(['right', 'wrong']);
  });

  it('stays within its size, dropping the oldest entries first', async () => {
    const { cache, compared, row } = setup({ maxEntries: 3 });
    const verify = cache.verifier(null);
    for (const id of [1, 2, 3, 4]) await verify(row({ id }), 'right');
    expect(cache.size).toBe(3);
    await verify(row({ id: 4 }), 'right');
    await verify(row({ id: 2 }), 'right');
    expect(compared).toHaveLength(4);
    await verify(row({ id: 1 }), 'right');
    expect(compared).toHaveLength(5);
    expect(cache.size).toBe(3);
  });

  it('drops expired entries when it adds new ones', async () => {
    const { cache, row, advance } = setup();
    const verify = cache.verifier(null);
    await verify(row({ id: 1 }), 'right');
    await verify(row({ id: 2 }), 'right');
    advance(61_000);
    await verify(row({ id: 3 }), 'right');
    expect(cache.size).toBe(1);
  });
});

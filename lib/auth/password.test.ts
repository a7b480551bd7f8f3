import bcrypt from 'bcrypt';
import { describe, expect, it } from 'vitest';
import { hashPassword, inBcryptLane, passwordMatches, verifyPassword } from './password';

describe('the fair bcrypt queue', () => {
  it('lets another lane through after at most the hashes already running (attack: one account bursts)', async () => {
    const order: string[] = [];
    const burst = Array.from({ length: 30 }, (_, i) => inBcryptLane('account:A', () => hashPassword(`burst-password-${i}`).then(() => order.push('A'))));
    // Let the burst fill the queue before the other account's job arrives.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const other = inBcryptLane('client:192.0.2.1', () => hashPassword('other-account-password').then(() => order.push('B')));
    await Promise.all([...burst, other]);
    // At most 4 slots run at once (half the default pool of 8): B waits for those, never for the backlog.
    expect(order.indexOf('B')).toBeLessThanOrEqual(8);
  });
});

describe('password comparisons', () => {
  it('refuse inputs over 72 bytes instead of truncating them (a stored 72-byte password plus any suffix)', async () => {
    const stored = 'x'.repeat(72);
    const hash = await bcrypt.hash(stored, 4);
    expect(await passwordMatches(stored, hash)).toBe(true);
    expect(await passwordMatches(`${stored}suffix`, hash)).toBe(false);
    expect(await verifyPassword(`${stored}suffix`, hash)).toBe(false);
  });

  it('hash new passwords as NFC and accept either spelling; old hashes of a typed NFD form still verify', async () => {
    const nfd = 'Cafe\u0301-Harbor-Lantern-42';
    const nfc = nfd.normalize('NFC');
    expect(nfc).not.toBe(nfd);
    const hash = await hashPassword(nfd);
    expect(await verifyPassword(nfc, hash)).toBe(true);
    expect(await verifyPassword(nfd, hash)).toBe(true);
    // Stored before normalisation, exactly as typed (NFD): the typed form still matches.
    const legacy = await bcrypt.hash(nfd, 4);
    expect(await verifyPassword(nfd, legacy)).toBe(true);
    expect(await verifyPassword('Cafe-Harbor-Lantern-42', legacy)).toBe(false);
  });
});

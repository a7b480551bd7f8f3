import { describe, expect, it } from 'vitest';
import { decodedSessionCount, decodeSession, encodeSession } from './token';

describe('the decoded-token memo', () => {
  it('keeps valid tokens and never caches junk (attack: evicting real entries with made-up cookies)', async () => {
    const token = await encodeSession({ kind: 'mailbox', uid: 7, sv: 1, sid: 'test-session-id' });
    expect(await decodeSession(token, 'mailbox')).toEqual({ kind: 'mailbox', uid: 7, sv: 1, sid: 'test-session-id' });
    const before = decodedSessionCount();
    for (let i = 0; i < 200; i++) expect(await decodeSession(`junk-${i}-${'x'.repeat(100)}`, 'mailbox')).toBeNull();
    expect(decodedSessionCount()).toBe(before);
    expect(await decodeSession(token, 'mailbox')).toEqual({ kind: 'mailbox', uid: 7, sv: 1, sid: 'test-session-id' });
  });
});

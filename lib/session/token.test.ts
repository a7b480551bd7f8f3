import { describe, expect, it } from 'vitest';
import { decode } from 'next-auth/jwt';
import { authSecret } from '@/lib/env';
import { decodedSessionCount, decodeSession, encodeSession } from './token';

describe('the session token', () => {
  it('carries only the session id: the row holds the subject, its version and the rest', async () => {
    const token = await encodeSession({ kind: 'mailbox', sid: 'test-session-id' });
    const payload = (await decode({ token, secret: authSecret() }))!;
    expect(Object.keys(payload).sort()).toEqual(['exp', 'iat', 'jti', 'sid']);
    // Read from either cookie it names the same row id; the row's kind decides (lib/session/check.ts).
    expect(await decodeSession(token, 'admin')).toEqual({ kind: 'admin', sid: 'test-session-id' });
  });
});

describe('the decoded-token memo', () => {
  it('keeps valid tokens and never caches junk (attack: evicting real entries with made-up cookies)', async () => {
    const token = await encodeSession({ kind: 'mailbox', sid: 'test-session-id' });
    expect(await decodeSession(token, 'mailbox')).toEqual({ kind: 'mailbox', sid: 'test-session-id' });
    const before = decodedSessionCount();
    for (let i = 0; i < 200; i++) expect(await decodeSession(`junk-${i}-${'x'.repeat(100)}`, 'mailbox')).toBeNull();
    expect(decodedSessionCount()).toBe(before);
    expect(await decodeSession(token, 'mailbox')).toEqual({ kind: 'mailbox', sid: 'test-session-id' });
  });
});

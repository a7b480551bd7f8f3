import { describe, expect, it } from 'vitest';
import { APP_PASSWORD_ALPHABET, appPasswordCandidate, appPasswordTag, generateAppPassword, groupAppPassword, parseProtocols } from './format';

describe('app password format', () => {
  it('is 16 letters of the unambiguous alphabet, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generateAppPassword();
      expect(p).toMatch(/^[a-z]{16}$/);
      for (const c of p) expect(APP_PASSWORD_ALPHABET).toContain(c);
      expect(p).not.toMatch(/[ilo]/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });

  it('is shown in four groups of four and accepted with or without the spaces, in either case', () => {
    const p = 'abcdefghjkmnpqrs';
    expect(groupAppPassword(p)).toBe('abcd efgh jkmn pqrs');
    expect(appPasswordCandidate('abcd efgh jkmn pqrs')).toBe(p);
    expect(appPasswordCandidate(p)).toBe(p);
    expect(appPasswordCandidate('ABCD EFGH jkmn pqrs')).toBe(p);
  });

  it('does not take other passwords for app passwords', () => {
    expect(appPasswordCandidate('Mailbox-Copper-Meadow-52')).toBeNull();
    expect(appPasswordCandidate('abcdefghjkmnpqr')).toBeNull(); // 15 letters
    expect(appPasswordCandidate('abcdefghjkmnpqrst')).toBeNull(); // 17 letters
    expect(appPasswordCandidate('abcdefghijkmnpqr')).toBeNull(); // an i
    expect(appPasswordCandidate('abcd\tefgh jkmn pqrs')).toBeNull();
    expect(appPasswordCandidate('a'.repeat(1000))).toBeNull();
  });

  it('tags a password with 20 bits of its SHA-256, the same for every spelling of it', () => {
    const tag = appPasswordTag('abcdefghjkmnpqrs');
    expect(tag).toMatch(/^[0-9a-f]{5}$/);
    expect(appPasswordTag(appPasswordCandidate('ABCD EFGH JKMN PQRS')!)).toBe(tag);
    expect(appPasswordTag('abcdefghjkmnpqrt')).not.toBe(tag);
  });

  it('reads stored protocols in the canonical order and ignores anything else', () => {
    expect(parseProtocols('smtp,imap')).toEqual(['imap', 'smtp']);
    expect(parseProtocols('pop3,web')).toEqual(['pop3']);
  });
});

describe('the shape check', () => {
  it('accepts exactly the alphabet', () => {
    for (const c of 'abcdefghijklmnopqrstuvwxyz') expect(appPasswordCandidate(c.repeat(16)) !== null, c).toBe(APP_PASSWORD_ALPHABET.includes(c));
  });
});

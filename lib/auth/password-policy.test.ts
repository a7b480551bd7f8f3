import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, PASSWORD_MAX_BYTES } from './password-policy';

const rules = (password: string, email = 'someone@example.com', minLength = 12) => checkPasswordPolicy({ password, email, minLength }).map((p) => p.rule);

describe('password policy', () => {
  it('accepts a long passphrase', () => {
    expect(rules('Violet-Harbor-Lantern-Quartz-93')).toEqual([]);
  });

  it('counts characters, not bytes, for the minimum: exactly min passes, min-1 fails', () => {
    expect(rules('Kx9#mPq2$vLw')).toEqual([]); // 12
    expect(rules('Kx9#mPq2$vL')).toEqual(['min_length']); // 11
    // 12 characters of which several are multi-byte: still 12 characters.
    expect(rules('Žluťoučký-kůň-7')).not.toContain('min_length');
    expect(checkPasswordPolicy({ password: 'short', email: 'a@b.c', minLength: 12 })[0]?.message).toBe('Use at least 12 characters (this one has 5).');
  });

  it('enforces the 72-byte bcrypt limit in UTF-8 bytes and says why', () => {
    const ascii72 = 'Qz7!'.repeat(18);
    expect(Buffer.byteLength(ascii72)).toBe(PASSWORD_MAX_BYTES);
    expect(rules(ascii72)).not.toContain('max_bytes');
    expect(rules(`${ascii72}x`)).toContain('max_bytes');
    // 36 two-byte characters = 72 bytes (allowed); one more ASCII byte = 73 (refused) though only 37 characters.
    const twoByte = 'é'.repeat(36);
    expect(Buffer.byteLength(twoByte)).toBe(72);
    expect(rules(twoByte)).not.toContain('max_bytes');
    expect(rules(`${twoByte}a`)).toContain('max_bytes');
    // An emoji is 4 bytes: 18 of them are 72 bytes but only 18 characters.
    expect(rules('🔐'.repeat(18))).not.toContain('max_bytes');
    expect(rules('🔐'.repeat(18) + 'x')).toContain('max_bytes');
    const message = checkPasswordPolicy({ password: 'x'.repeat(80), email: 'a@b.c', minLength: 12 }).find((p) => p.rule === 'max_bytes')?.message;
    // Says what to do, in characters a person can count, not in bytes or hashing jargon.
    expect(message).toBe('Use a shorter password: at most 72 letters, digits and symbols without accents (a letter with an accent counts as 2, an emoji as 4).');
  });

  it("names the address by whose password it is: the mailbox's, an admin's own, another admin's", () => {
    const message = (subject?: 'mailbox' | 'own-admin' | 'admin') =>
      checkPasswordPolicy({ password: 'My-Bob-Secret-Lantern-4', email: 'bob@example.com', minLength: 12, subject }).find((p) => p.rule === 'contains_local_part')?.message;
    expect(message()).toBe('Do not use the mailbox name ("bob") in the password.');
    expect(message('own-admin')).toBe('Do not use your e-mail address ("bob") in the password.');
    expect(message('admin')).toBe('Do not use the admin\'s e-mail address ("bob") in the password.');
  });

  it('refuses the local part, case-insensitively, from three characters on', () => {
    expect(rules('My-Bob-Secret-Lantern-4', 'bob@example.com')).toEqual(['contains_local_part']);
    expect(rules('MY-BOB-SECRET-LANTERN-4', 'bob@example.com')).toEqual(['contains_local_part']);
    expect(rules('Js-Harbor-Lantern-Quartz-93', 'js@example.com')).toEqual([]);
  });

  it('refuses common and guessable passwords (zxcvbn score below 3)', () => {
    expect(rules('password1234')).toEqual(['too_weak']);
    expect(rules('qwertyuiop123')).toEqual(['too_weak']);
    expect(rules('aaaaaaaaaaaaaaaa')).toEqual(['too_weak']);
  });

  it('refuses a season or month name with a year and symbols, which zxcvbn alone lets through', () => {
    expect(rules('Summer2026!!')).toEqual(['predictable']);
    expect(rules('Winter2026!!')).toEqual(['predictable']);
    expect(rules('Sommer2025!!!')).toEqual(['predictable']);
    expect(rules('Maerz-2024-##')).toEqual(['predictable']);
    expect(rules('Oktober1999??')).toEqual(['predictable']);
    expect(checkPasswordPolicy({ password: 'Summer2026!!', email: 'someone@example.com', minLength: 12 })[0]?.message).toBe(
      'This password is easy to guess: it is mostly the name of a season or month ("summer") and a year ("2026"), which guessers try first. Add a few unrelated words of your own.',
    );
  });

  it("refuses keyboard walks and the account's own words padded with a year", () => {
    expect(rules('Qwertz1234!!')).toEqual(['predictable']);
    expect(rules('Asdfgh!2025?')).toEqual(['predictable']);
    expect(rules('Example-2026!', 'someone@example.com')).toEqual(['predictable']);
    expect(checkPasswordPolicy({ password: 'Example-2026!', email: 'someone@example.com', minLength: 12 })[0]?.message).toContain('part of your e-mail address ("example") and a year ("2026")');
  });

  it('accepts passphrases that merely contain a season, a year or a short keyboard run', () => {
    expect(rules('Correct-Horse-Summer-Battery-2026')).toEqual([]);
    expect(rules('Quiet-Meadow-Copper-2017')).toEqual([]);
    expect(rules('asdf-Lantern-Copper-Violet')).toEqual([]);
    // A top-level domain is no word of the account.
    expect(rules('Violet-Harbor-Lantern-Quartz-93', 'someone@example.com')).toEqual([]);
  });

  it('refuses control characters, which mail clients cannot send', () => {
    expect(rules('Violet-Harbor\tLantern-93')).toEqual(['control_characters']);
    expect(rules('Violet-Harbor\u007fLantern-93')).toEqual(['control_characters']);
  });

  it('reports every failing rule at once, strength included', () => {
    expect(rules('bob', 'bob@example.com')).toEqual(['min_length', 'contains_local_part', 'too_weak']);
  });

  it('does not estimate the strength of an oversized or control-character password', () => {
    expect(rules('x'.repeat(100), 'bob@example.com')).toEqual(['max_bytes']);
    expect(rules('pass\tword', 'bob@example.com')).toEqual(['min_length', 'control_characters']);
  });
});

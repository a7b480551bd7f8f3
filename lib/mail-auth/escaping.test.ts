import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAuthHeader, encodeAuthHeader } from './escaping';

/** What nginx's "mail_auth" escaping sends for a value: %XX for 0x00-0x1F, space and "%", raw bytes otherwise. */
function nginxEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte <= 0x20 || byte === 0x25 ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

/** Node's view of a header: one latin1 character per byte. */
const asHeader = (bytes: number[]) => Buffer.from(bytes).toString('latin1');

describe('decodeAuthHeader', () => {
  it.each([
    ['a%20b', 'a b'],
    ['100%25', '100%'],
    ['a+b', 'a+b'],
    ['%2B', '+'],
    ['tab%09end', 'tab\tend'],
    ['lower%2fcase', 'lower/case'],
    ['"quoted" \'single\'', '"quoted" \'single\''],
  ])('decodes %j as %j', (raw, decoded) => {
    expect(decodeAuthHeader(raw)).toBe(decoded);
  });

  it('reads raw bytes as UTF-8 (nginx does not escape non-ASCII)', () => {
    expect(decodeAuthHeader(asHeader([...Buffer.from('Grüße €', 'utf8')]))).toBe('Grüße €');
    expect(decodeAuthHeader(asHeader([...Buffer.from('pässwörd', 'utf8')]).replace('w', '%20'))).toBe('päss örd');
  });

  it('keeps a "%" without two hex digits literal', () => {
    expect(decodeAuthHeader('50%')).toBe('50%');
    expect(decodeAuthHeader('%4')).toBe('%4');
    expect(decodeAuthHeader('%zz%4G')).toBe('%zz%4G');
    expect(decodeAuthHeader('%%41')).toBe('%A');
  });

  it('decodes an escaped byte that is part of a multi-byte character', () => {
    // "é" is C3 A9; an escaped byte joins the raw one.
    expect(decodeAuthHeader(`%C3${String.fromCharCode(0xa9)}`)).toBe('é');
  });

  it('turns bytes that are not UTF-8 into U+FFFD instead of failing', () => {
    expect(decodeAuthHeader('a%FFb')).toBe('a\ufffdb');
    expect(decodeAuthHeader(asHeader([0x61, 0xc3]))).toBe('a\ufffd');
  });

  it('undoes exactly what nginx does, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(decodeAuthHeader(nginxEscape(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encodeAuthHeader', () => {
  it('sends UTF-8 bytes as they are (one latin1 character per byte)', () => {
    expect(encodeAuthHeader('a b+%')).toBe('a b+%');
    expect(Buffer.from(encodeAuthHeader('Grüße'), 'latin1').toString('utf8')).toBe('Grüße');
  });

  it('writes control characters as %XX, since a header cannot carry them', () => {
    expect(encodeAuthHeader('a\tb\u0001c\u007f')).toBe('a%09b%01c%7F');
  });

  it('always produces a value a header can carry', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(encodeAuthHeader(text)).toMatch(/^[\u0020-\u007e\u0080-\u00ff]*$/);
      }),
    );
  });
});

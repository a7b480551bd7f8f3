// No `server-only`: pure functions, unit-tested directly.

/*
 * nginx's mail module escapes Auth-User and Auth-Pass with its "mail_auth" table: only bytes 0x00-0x1F,
 * space and "%" become %XX; everything else (including "+", quotes and non-ASCII UTF-8) arrives raw.
 * Node hands header values to us as latin1 text, one character per byte, so a value is turned back into
 * bytes before the UTF-8 decoding. `querystring` would turn "+" into a space and `decodeURIComponent`
 * throws on bytes that are not UTF-8, so neither fits.
 */

const utf8 = new TextDecoder('utf-8');

function hexDigit(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * Decodes an nginx-escaped header value (latin1 text, one character per byte): each %XX becomes that
 * byte, every other byte stays as it is, and the bytes are read as UTF-8. A "%" without two hex digits
 * stays literal. Bytes that are not UTF-8 become U+FFFD, as when a browser form is decoded.
 */
export function decodeAuthHeader(raw: string): string {
  const bytes = Buffer.from(raw, 'latin1');
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const high = bytes[i] === 0x25 ? hexDigit(bytes[i + 1]) : -1;
    const low = high >= 0 ? hexDigit(bytes[i + 2]) : -1;
    if (low >= 0) {
      out[n++] = high * 16 + low;
      i += 2;
    } else {
      out[n++] = bytes[i]!;
    }
  }
  return utf8.decode(out.subarray(0, n));
}

// Bytes an HTTP header value cannot carry (Node refuses to send them).
const CONTROL = /[\u0000-\u001f\u007f]/g;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/**
 * The header text that makes the HTTP layer send `text` as raw UTF-8 bytes: nginx copies Auth-User and
 * Auth-Pass from our answer byte for byte, without unescaping. Control characters cannot travel in a
 * header, so they are written as %XX (see docs/imap.md: the backend we ship ignores the password it is
 * passed, so only a backend that checks passwords itself would notice).
 */
export function encodeAuthHeader(text: string): string {
  // Printable ASCII (nearly every address and password) is its own encoding: skips a regex pass and two copies.
  if (PRINTABLE_ASCII.test(text)) return text;
  const escaped = text.replace(CONTROL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return Buffer.from(escaped, 'utf8').toString('latin1');
}

/*
 * A short fingerprint of form text, the same in the browser and on the server (browser-safe, synchronous).
 * The mailbox form carries fingerprints of the stored list and labels instead of second full copies, so a
 * 1,000-entry list is not sent again in hidden fields; the server action compares the draft's fingerprint
 * with them to send only what the admin changed. Not a security measure: a form is only ever compared with
 * the values it was itself rendered with, which the admin cannot choose to collide.
 */

/** 53-bit cyrb53 of `text` (public domain, by bryc), as base-36 text prefixed with the length. */
export function textDigest(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // The length makes two texts of different lengths always differ, whatever the hash does.
  return `${text.length.toString(36)}-${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

import crypto from 'node:crypto';

/*
 * The shape of an app password (spec §20; docs/app-passwords.md). 16 letters drawn uniformly from 23
 * lower-case letters that cannot be mistaken for one another or for digits (no i, l, o): 23^16 ≈ 2^72, far
 * beyond online guessing (which throttling bounds anyway) and, behind bcrypt, beyond offline guessing too.
 * Shown as four groups of four for typing; accepted with or without the spaces, in either case.
 */
export const APP_PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz';
export const APP_PASSWORD_LENGTH = 16;
const GROUP = 4;

/** A new app password in its canonical form (16 letters, no spaces). */
export function generateAppPassword(): string {
  let out = '';
  // randomInt is unbiased (rejection sampling), unlike a byte modulo 23.
  for (let i = 0; i < APP_PASSWORD_LENGTH; i++) out += APP_PASSWORD_ALPHABET[crypto.randomInt(APP_PASSWORD_ALPHABET.length)];
  return out;
}

/** The canonical password shown in groups of four for typing: `abcd efgh jkmn pqrs`. */
export function groupAppPassword(canonical: string): string {
  const groups: string[] = [];
  for (let i = 0; i < canonical.length; i += GROUP) groups.push(canonical.slice(i, i + GROUP));
  return groups.join(' ');
}

// APP_PASSWORD_ALPHABET as a character class.
const SHAPE = /^[a-hjkmnp-z]{16}$/;

/**
 * The canonical form of a typed password if it has an app password's shape (spaces removed, lower case),
 * else null: such a password is checked only against the account password. A typed password is at most
 * 1,024 bytes at the door (lib/session/sign-in.ts), so this linear scan is bounded.
 */
export function appPasswordCandidate(typed: string): string | null {
  if (typed.length > APP_PASSWORD_LENGTH * 2 + 8) return null;
  const canonical = typed.replaceAll(' ', '').toLowerCase();
  return SHAPE.test(canonical) ? canonical : null;
}

/**
 * The lookup tag of an app password: the first 20 bits of its SHA-256, as 5 hex digits, stored beside the
 * bcrypt hash. It picks the one row to compare, so that a sign-in pays exactly one bcrypt however many app
 * passwords the mailbox has (a wrong guess shares its tag with one of 20 rows with probability 20 / 2^20,
 * about 2 in 100,000; then that row is compared instead of the account password, which costs the same).
 * Unkeyed on purpose: it must survive a change of AUTH_SECRET. What it gives away is 20 of the password's 72
 * bits to someone who has read the database; the other 52 stay behind bcrypt (2^52 comparisons at cost 12).
 */
export function appPasswordTag(canonical: string): string {
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 5);
}

export const APP_PASSWORD_PROTOCOLS = ['imap', 'pop3', 'smtp'] as const;
export type AppPasswordProtocol = (typeof APP_PASSWORD_PROTOCOLS)[number];

/** Stored protocols (`imap,smtp`) as a list in the canonical order. */
export function parseProtocols(stored: string): AppPasswordProtocol[] {
  const set = new Set(stored.split(','));
  return APP_PASSWORD_PROTOCOLS.filter((p) => set.has(p));
}

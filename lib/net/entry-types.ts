/*
 * The shape of an allowlist's labels and expiry, a type module of its own: the browser-safe parser
 * (./allowlist-entries.ts) and the database schema (db/schema.ts, which stores it as JSON) both use it, and
 * lib/net imports nothing from db/.
 */

/** Label and expiry of one entry; absent fields mean "no label" and "never expires". */
export interface EntryInfo {
  label?: string;
  /** Milliseconds since the epoch; the entry stops matching at this instant. */
  expiresAt?: number;
}

/** Labels and expiry by canonical entry text (`198.51.100.0/24`, `@office`). Only entries that have one. */
export type EntryMeta = Record<string, EntryInfo>;

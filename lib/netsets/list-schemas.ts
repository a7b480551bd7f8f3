// Browser-safe: the admin forms, the JSON-RPC methods and the CLI validate with these schemas.
import { z } from 'zod';
import { describeErrors, parseAllowNets, type EntryError } from '@/lib/net/allowlist';
import { MAX_LABEL_CHARS, MAX_NET_CHARS, parseEntries, parseExpiry, type EntryInput, type StoredList } from '@/lib/net/allowlist-entries';

/*
 * Network lists as typed (a mailbox's, an admin's, a set's): the network-sets layer owns them, below the
 * mailboxes that reference sets (lib/mailboxes/schemas.ts re-exports them for its callers).
 */

/**
 * `allow_nets` as typed (string; empty, whitespace or null = unrestricted) → canonical string or null.
 * An invalid list fails with every bad entry in the issue's `params.errors`. `@name` references are
 * checked for form here; whether the set exists is the domain service's check (it knows the account).
 */
export const allowNetsSchema = z.union([z.string(), z.null()], { error: 'must be a string of comma-separated addresses and networks' }).transform((value, ctx) => {
  const parsed = parseAllowNets(value, { references: 'any' });
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: describeErrors(parsed.errors), params: { errors: parsed.errors } });
    return z.NEVER;
  }
  return parsed.canonical;
});

/**
 * `allow_nets_entries`: rows of `{net, label?, expires_at?}` (net = a network or `@name`; expires_at an
 * ISO 8601 time with zone, or null) → the stored list (canonical string and labels/expiry). No rows =
 * unrestricted. Every bad row is named in `params.errors`.
 */
export const allowNetsEntryRowsSchema = z
  .array(
    z.object({
      net: z.string({ error: 'each entry needs a net (a network or @set)' }).max(MAX_NET_CHARS, `a net is at most ${MAX_NET_CHARS} characters`),
      label: z.union([z.string().max(MAX_LABEL_CHARS, `a label is at most ${MAX_LABEL_CHARS} characters`), z.null()]).optional(),
      expires_at: z.union([z.string().max(40, 'expires_at must be a date and time like 2026-12-31T18:00:00Z'), z.null()]).optional(),
    }),
    { error: 'must be a list of {net, label, expires_at} objects' },
  )
  .max(1000, 'at most 1,000 entries are allowed (combine addresses into networks)');

/** The rows above, validated into the stored list (what the domain service applies). */
export const allowNetsEntriesSchema = allowNetsEntryRowsSchema.transform((rows, ctx): StoredList => {
    const inputs: EntryInput[] = [];
    const problems: EntryError[] = [];
    for (const row of rows) {
      const expiry = parseExpiry(row.expires_at, row.net);
      if (expiry !== null && typeof expiry === 'object') problems.push(expiry.error);
      else inputs.push({ net: row.net, label: row.label ?? null, expiresAt: expiry });
    }
    const parsed = parseEntries(inputs, 'any');
    const errors = [...problems, ...(parsed.ok ? [] : parsed.errors)];
    if (errors.length > 0 || !parsed.ok) {
      ctx.addIssue({ code: 'custom', message: describeErrors(errors), params: { errors } });
      return z.NEVER;
    }
    return { canonical: parsed.canonical, meta: parsed.meta };
  });
export type AllowNetsEntriesInput = z.input<typeof allowNetsEntriesSchema>;

export const allowNetsModeSchema = z.enum(['enforce', 'monitor'], { error: 'must be "enforce" or "monitor"' });

// Browser-safe: the admin forms, the JSON-RPC methods and the CLI validate with these same schemas.
import { z } from 'zod';
import { describeErrors, parseAllowNets } from '@/lib/net/allowlist';
import { MAX_LABEL_CHARS, MAX_NET_CHARS, parseEntries, parseExpiry, type EntryInput, type StoredList } from '@/lib/net/allowlist-entries';

/**
 * Size limits at the door (spec §12) come first in every schema and abort: no later check (a trim, a regular
 * expression, a password rule) ever sees an oversized value.
 */
export const MAX_EMAIL_CHARS = 320;
export const MAX_PASSWORD_BYTES = 1024;
export const MAX_SEARCH_CHARS = 200;
export const MAX_MEMO_CHARS = 2000;

const utf8Bytes = (value: string) => new TextEncoder().encode(value).length;

/** A password as typed, at most 1,024 bytes (the door limit; a new one must also fit bcrypt's 72, see the policy). */
export const typedPasswordSchema = z
  .string({ error: 'must be a string' })
  .max(MAX_PASSWORD_BYTES, { message: `must be at most ${MAX_PASSWORD_BYTES.toLocaleString('en-US')} bytes`, abort: true })
  .refine((v) => utf8Bytes(v) <= MAX_PASSWORD_BYTES, { message: `must be at most ${MAX_PASSWORD_BYTES.toLocaleString('en-US')} bytes`, abort: true });

/** A new password: bounded, then NFC-normalised (NIST SP 800-63B) before any rule or hash sees it. */
export const newPasswordSchema = typedPasswordSchema.transform((v) => v.normalize('NFC'));

export const emailSchema = z
  .string({ error: 'is required' })
  .max(MAX_EMAIL_CHARS, { message: `must be at most ${MAX_EMAIL_CHARS} characters`, abort: true })
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .regex(/^[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/, 'must be an address like name@example.com');

export const domainSchema = z
  .string({ error: 'is required' })
  .max(MAX_EMAIL_CHARS, { message: `must be at most 253 characters`, abort: true })
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/, 'must be a domain like example.com');

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
    const problems: { entry: string; reason: string }[] = [];
    for (const row of rows) {
      const expiry = parseExpiry(row.expires_at);
      if (expiry !== null && typeof expiry === 'object') problems.push({ entry: row.net, reason: expiry.error });
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

export const memoSchema = z.string({ error: 'must be a string' }).max(MAX_MEMO_CHARS, { message: 'must be at most 2,000 characters', abort: true });
const passwordSchema = newPasswordSchema.pipe(z.string().min(1, 'is required'));
const flag = () => z.boolean({ error: 'must be true or false' });

export const mailboxCreateSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  allowNets: allowNetsSchema.optional(),
  allowNetsEntries: allowNetsEntriesSchema.optional(),
  allowNetsMode: allowNetsModeSchema.optional(),
  requireResetPassword: flag().optional(),
  active: flag().optional(),
  memo: memoSchema.optional(),
});
export type MailboxCreateInput = z.input<typeof mailboxCreateSchema>;

/** Only the fields present change. */
export const mailboxPatchSchema = z.object({
  password: passwordSchema.optional(),
  samePasswordAllowed: flag().optional(),
  allowNets: allowNetsSchema.optional(),
  allowNetsEntries: allowNetsEntriesSchema.optional(),
  allowNetsMode: allowNetsModeSchema.optional(),
  requireResetPassword: flag().optional(),
  /** With a forced change (requireResetPassword: true): revoke the mailbox's app passwords too (default). */
  revokeAppPasswords: flag().optional(),
  active: flag().optional(),
  memo: memoSchema.optional(),
});
export type MailboxPatchInput = z.input<typeof mailboxPatchSchema>;

/** The password-change forms (interstitial and /account): new password twice; the rules are checked by the service. */
export const ownPasswordChangeSchema = z
  .object({
    currentPassword: typedPasswordSchema.optional(),
    newPassword: newPasswordSchema.pipe(z.string().min(1, 'Enter a new password.')),
    confirmPassword: newPasswordSchema,
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords do not match.' });

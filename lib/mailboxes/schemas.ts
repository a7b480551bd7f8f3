// Browser-safe: the admin forms, the JSON-RPC methods and the CLI validate with these same schemas.
import { z } from 'zod';
import { domainSchema, emailSchema, MAX_EMAIL_CHARS } from '@/lib/accounts/schemas';
import { allowNetsEntriesSchema, allowNetsModeSchema, allowNetsSchema } from '@/lib/netsets/list-schemas';

// The address and list schemas live with the layer that owns them (accounts, network sets); they are
// re-exported here so that a mailbox form or method imports its schemas from one module.
export { domainSchema, emailSchema, MAX_EMAIL_CHARS };
export { allowNetsEntriesSchema, allowNetsModeSchema, allowNetsSchema };
export { allowNetsEntryRowsSchema, type AllowNetsEntriesInput } from '@/lib/netsets/list-schemas';

/**
 * Size limits at the door (spec §12) come first in every schema and abort: no later check (a trim, a regular
 * expression, a password rule) ever sees an oversized value.
 */
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

// Browser-safe: the /admin/networks forms, the netset.* methods and the CLI validate with these schemas.
import { z } from 'zod';
import { describeErrors, parseAllowNets, SET_NAME } from '@/lib/net/allowlist';
import { allowNetsEntriesSchema } from './list-schemas';

export const netSetNameSchema = z
  .string({ error: 'is required' })
  .trim()
  .max(41, 'must be at most 40 characters')
  // An admin may type the reference form (@office); the name is what follows.
  .transform((v) => (v.startsWith('@') ? v.slice(1) : v))
  .pipe(z.string().regex(SET_NAME, 'must be 1 to 40 lower-case letters, digits or dashes, like office-berlin'));

export const netSetDescriptionSchema = z.string({ error: 'must be a string' }).max(500, 'must be at most 500 characters');

/** A set's networks as one string (no @name: sets do not contain other sets); empty = no entries yet. */
export const netSetNetsSchema = z.union([z.string(), z.null()], { error: 'must be a string of comma-separated addresses and networks' }).transform((value, ctx) => {
  const parsed = parseAllowNets(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: describeErrors(parsed.errors), params: { errors: parsed.errors } });
    return z.NEVER;
  }
  return parsed.canonical;
});

export const netSetCreateSchema = z.object({
  name: netSetNameSchema,
  description: netSetDescriptionSchema.optional(),
  allowNets: netSetNetsSchema.optional(),
  allowNetsEntries: allowNetsEntriesSchema.optional(),
});
export type NetSetCreateInput = z.input<typeof netSetCreateSchema>;

/** Only the fields present change; `newName` renames (refused while mailboxes reference the old name). */
export const netSetPatchSchema = z.object({
  newName: netSetNameSchema.optional(),
  description: netSetDescriptionSchema.optional(),
  allowNets: netSetNetsSchema.optional(),
  allowNetsEntries: allowNetsEntriesSchema.optional(),
});
export type NetSetPatchInput = z.input<typeof netSetPatchSchema>;

// Browser-safe: the admin forms, the JSON-RPC methods and the CLI validate with these schemas.
import { z } from 'zod';

/*
 * Addresses and domains, shared by admins and mailboxes (one address space per installation, spec §23):
 * the accounts layer owns them, and lib/mailboxes/schemas.ts builds its mailbox schemas on them.
 */

/** The door limit of an address (spec §12); the schema below also holds it to 254 after trimming. */
export const MAX_EMAIL_CHARS = 320;

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

import type { z } from 'zod';
import { ValidationError } from './errors';

/** Field names as the API and CLI spell them, so an error names the part the caller actually sent. */
const WIRE_NAMES = new Map<string, string>([
  ['allowNets', 'allow_nets'],
  ['allowNetsEntries', 'allow_nets_entries'],
  ['allowNetsMode', 'allow_nets_mode'],
  ['newName', 'new_name'],
  ['requireResetPassword', 'require_reset_password'],
  ['revokeAppPasswords', 'revoke_app_passwords'],
  ['samePasswordAllowed', 'same_password_allowed'],
  ['email', 'mail'],
]);

/** Parses with a shared schema; the first bad field becomes a ValidationError that names it. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = String(issue.path[0] ?? 'params');
  const field = WIRE_NAMES.get(key) ?? key;
  const details = (issue as { params?: { errors?: unknown } }).params?.errors;
  throw new ValidationError(field, `${field}: ${issue.message}`, details);
}

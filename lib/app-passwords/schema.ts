import { z } from 'zod';
import { describeErrors, parseAllowNets } from '@/lib/net/allowlist';
import { APP_PASSWORD_PROTOCOLS } from './format';

/** At most this many app passwords per mailbox (spec §20). */
export const MAX_APP_PASSWORDS = 20;

/**
 * One schema for creating an app password (the /account form; creating one is for the mailbox's own user
 * only, since it is shown once): label, protocols (any non-empty subset), optional own networks (plain
 * networks: they narrow the mailbox's list, which still applies), optional expiry date.
 */
export const appPasswordCreateSchema = z.object({
  label: z.string({ error: 'is required' }).trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  protocols: z
    .array(z.enum(APP_PASSWORD_PROTOCOLS, { error: 'must be IMAP, POP3 or SMTP' }), { error: 'choose at least one protocol' })
    .max(APP_PASSWORD_PROTOCOLS.length)
    .min(1, 'choose at least one protocol')
    .transform((list) => APP_PASSWORD_PROTOCOLS.filter((p) => list.includes(p))),
  // A date (YYYY-MM-DD): the app password works until the end of that day, UTC. Empty = no expiry.
  expires: z
    .string()
    .trim()
    .max(10, 'must be a date such as 2027-01-31')
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      const at = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1) : NaN;
      if (!m || Number.isNaN(at) || new Date(at - 1).toISOString().slice(0, 10) !== v) {
        ctx.addIssue({ code: 'custom', message: 'must be a date such as 2027-01-31' });
        return z.NEVER;
      }
      if (at <= Date.now()) {
        ctx.addIssue({ code: 'custom', message: 'must be today or later' });
        return z.NEVER;
      }
      return new Date(at);
    }),
  allowNets: z
    .string()
    .max(64 * 1024, 'must be at most 64 KiB')
    .optional()
    .transform((v, ctx) => {
      const parsed = parseAllowNets(v ?? '');
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: describeErrors(parsed.errors), params: { errors: parsed.errors } });
        return z.NEVER;
      }
      return parsed.canonical;
    }),
});

export type AppPasswordCreateInput = z.input<typeof appPasswordCreateSchema>;

/** An app password's id as the API and CLI pass it. */
export const appPasswordIdSchema = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive').max(2 ** 31);

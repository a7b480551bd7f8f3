import 'server-only';
import { z } from 'zod';
import { listAppPasswordsOf } from '@/lib/app-passwords/service';
import { toAppPasswordObject } from '@/lib/app-passwords/view';
import { emailSchema } from '@/lib/mailboxes/schemas';
import { defineMethod, scopeOf } from '../method';

/**
 * `mail.apppass.list {mail}` → `[{id, label, protocols, allow_nets, expires_at, created_at, last_used_at,
 * last_used_address, last_used_protocol}]`, newest first. Account level; another account's mailbox is 404.
 */
export const mailApppassList = defineMethod({
  access: 'account',
  params: z.object({ mail: emailSchema }),
  async handle({ mail }, session) {
    return (await listAppPasswordsOf(scopeOf(session), mail)).map(toAppPasswordObject);
  },
});

import 'server-only';
import { z } from 'zod';
import { revokeAppPasswordOf } from '@/lib/app-passwords/service';
import { appPasswordIdSchema } from '@/lib/app-passwords/schema';
import { emailSchema } from '@/lib/mailboxes/schemas';
import { changeContext, defineMethod, scopeOf } from '../method';

/**
 * `mail.apppass.del {mail, id}` → `true`: revokes one app password of one of the account's mailboxes and
 * ends the mailbox's open mail connections. Another account's mailbox, or an id of another mailbox, is 404.
 */
export const mailApppassDel = defineMethod({
  access: 'account',
  params: z.object({ mail: emailSchema, id: appPasswordIdSchema }),
  async handle({ mail, id }, session, ctx) {
    await revokeAppPasswordOf(scopeOf(session), mail, id, changeContext(session, ctx));
    return true;
  },
});

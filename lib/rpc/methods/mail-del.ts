import 'server-only';
import { z } from 'zod';
import { deleteMailbox } from '@/lib/mailboxes/service';
import { emailSchema } from '@/lib/mailboxes/schemas';
import { changeContext, defineMethod, scopeOf } from '../method';

/** `mail.del {mail}` → `true`: deletes one of the account's mailboxes (another account's is 404). */
export const mailDel = defineMethod({
  access: 'account',
  params: z.object({ mail: emailSchema }),
  async handle({ mail }, session, ctx) {
    await deleteMailbox(scopeOf(session), mail, changeContext(session, ctx));
    return true;
  },
});

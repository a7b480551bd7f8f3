import 'server-only';
import { z } from 'zod';
import { getMailbox } from '@/lib/mailboxes/service';
import { emailSchema } from '@/lib/mailboxes/schemas';
import { toMailGetObject } from '@/lib/mailboxes/view';
import { accountScope } from '@/lib/scope';
import { defineMethod, notPermitted, scopeOf } from '../method';

/**
 * `mail.get {mail}` → the mailbox object. Account level: any mailbox of the account (another account's is
 * 404). Mail level: only the session's own mailbox; any other address is refused the same way whether it
 * exists or not, so the answer reveals nothing about other mailboxes.
 */
export const mailGet = defineMethod({
  access: 'session',
  params: z.object({ mail: emailSchema }),
  handle({ mail }, session) {
    if (session.level === 'mail') {
      if (mail !== session.mailbox.email) throw notPermitted('a mail-level session may only read its own mailbox');
      return toMailGetObject(getMailbox(accountScope(session.mailbox.accountId), mail));
    }
    return toMailGetObject(getMailbox(scopeOf(session), mail));
  },
});

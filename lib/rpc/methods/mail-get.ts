import 'server-only';
import { z } from 'zod';
import { countAppPasswords } from '@/lib/app-passwords/service';
import { getMailbox } from '@/lib/mailboxes/service';
import { emailSchema } from '@/lib/mailboxes/schemas';
import { toMailGetObject, toOwnMailGetObject } from '@/lib/mailboxes/view';
import { effectiveNetworks, networksInForce } from '@/lib/netsets/compiled-list';
import { defineMethod, notPermitted, scopeOf } from '../method';

/**
 * `mail.get {mail}` → the mailbox object, with `two_factor` and `app_passwords` (whether two-factor is on and how many app passwords it has, spec §20) and `allow_nets_effective` (the networks in force now: sets
 * expanded, expired entries left out; null when unrestricted). Account level: any mailbox of the account (another account's is
 * 404). Mail level: only the session's own mailbox; any other address is refused the same way whether it
 * exists or not, so the answer reveals nothing about other mailboxes. The own mailbox is answered in the
 * user's view (lib/mailboxes/view.ts `toOwnMailGetObject`): no memo, no labels, no set names (spec §23).
 */
export const mailGet = defineMethod({
  access: 'session',
  params: z.object({ mail: emailSchema }),
  async handle({ mail }, session) {
    const now = Date.now();
    if (session.level === 'mail') {
      if (mail !== session.mailbox.email) throw notPermitted('a mail-level session may only read its own mailbox');
      const accountId = session.mailbox.accountId;
      const view = await getMailbox(session.scope, mail);
      return { ...toOwnMailGetObject(view, await networksInForce(accountId, view, now)), app_passwords: await countAppPasswords(view.id), two_factor: view.totpEnabledAt !== null || view.hasPasskey };
    }
    const accountId = session.admin.accountId;
    const view = await getMailbox(scopeOf(session), mail);
    return { ...toMailGetObject(view, now), allow_nets_effective: await effectiveNetworks(accountId, view, now), app_passwords: await countAppPasswords(view.id), two_factor: view.totpEnabledAt !== null || view.hasPasskey };
  },
});

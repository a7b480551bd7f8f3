import 'server-only';
import { z } from 'zod';
import { deleteNetSet } from '@/lib/netsets/service';
import { netSetNameSchema } from '@/lib/netsets/schemas';
import { changeContext, defineMethod } from '../method';

/** `netset.del {name}` → `true`; refused (409) while mailboxes reference the set, naming up to 10 of them. */
export const netsetDel = defineMethod({
  access: 'account',
  params: z.object({ name: netSetNameSchema }),
  async handle({ name }, session, ctx) {
    await deleteNetSet(session.admin.accountId, name, changeContext(session, ctx));
    return true;
  },
});

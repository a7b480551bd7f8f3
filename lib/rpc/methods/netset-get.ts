import 'server-only';
import { z } from 'zod';
import { getNetSet } from '@/lib/netsets/service';
import { netSetNameSchema } from '@/lib/netsets/schemas';
import { toNetSetObject } from '@/lib/netsets/view';
import { defineMethod } from '../method';

/** `netset.get {name}` → one set of the account; another account's set is 404 like a missing one. */
export const netsetGet = defineMethod({
  access: 'account',
  params: z.object({ name: netSetNameSchema }),
  async handle({ name }, session) {
    return toNetSetObject(await getNetSet(session.admin.accountId, name));
  },
});

import 'server-only';
import { z } from 'zod';
import { listNetSets } from '@/lib/netsets/service';
import { toNetSetObject } from '@/lib/netsets/view';
import { defineMethod } from '../method';

/** `netset.list` → the account's network sets (spec §15), by name. */
export const netsetList = defineMethod({
  access: 'account',
  params: z.object({}),
  async handle(_params, session) {
    const now = Date.now();
    return (await listNetSets(session.admin.accountId)).map((s) => toNetSetObject(s, now));
  },
});

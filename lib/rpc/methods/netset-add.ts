import 'server-only';
import { z } from 'zod';
import { allowNetsEntryRowsSchema } from '@/lib/mailboxes/schemas';
import { createNetSet } from '@/lib/netsets/service';
import { netSetCreateSchema } from '@/lib/netsets/schemas';
import { changeContext, defineMethod } from '../method';

const fields = netSetCreateSchema.shape;

/** `netset.add {name, description?, allow_nets | allow_nets_entries}` → `true`; 409 when the name exists. */
export const netsetAdd = defineMethod({
  access: 'account',
  params: z.object({ name: fields.name, description: fields.description, allow_nets: fields.allowNets, allow_nets_entries: allowNetsEntryRowsSchema.optional() }),
  async handle(params, session, ctx) {
    await createNetSet(
      session.admin.accountId,
      { name: params.name, description: params.description, allowNets: params.allow_nets, allowNetsEntries: params.allow_nets_entries },
      changeContext(session, ctx),
    );
    return true;
  },
});

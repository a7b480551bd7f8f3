import 'server-only';
import { z } from 'zod';
import { allowNetsEntryRowsSchema } from '@/lib/mailboxes/schemas';
import { updateNetSet } from '@/lib/netsets/service';
import { netSetNameSchema, netSetPatchSchema } from '@/lib/netsets/schemas';
import { changeContext, defineMethod } from '../method';

const fields = netSetPatchSchema.shape;

/**
 * `netset.set {name, new_name?, description?, allow_nets? | allow_nets_entries?}` → `true`. Only the given
 * fields change; every mailbox referencing the set uses the new networks from its next request.
 */
export const netsetSet = defineMethod({
  access: 'account',
  params: z.object({ name: netSetNameSchema, new_name: fields.newName, description: fields.description, allow_nets: fields.allowNets, allow_nets_entries: allowNetsEntryRowsSchema.optional() }),
  async handle(params, session, ctx) {
    await updateNetSet(
      session.admin.accountId,
      params.name,
      { newName: params.new_name, description: params.description, allowNets: params.allow_nets, allowNetsEntries: params.allow_nets_entries },
      changeContext(session, ctx),
    );
    return true;
  },
});

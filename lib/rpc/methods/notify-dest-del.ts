import 'server-only';
import { z } from 'zod';
import { deleteDestination } from '@/lib/notify/destinations';
import { changeContext, defineMethod } from '../method';

export const destinationIdSchema = z.number({ error: 'must be a destination id (a number)' }).int().positive().max(2 ** 31);

/** `notify.dest.del {id}` → `true`; another account's id is "not found". */
export const notifyDestDel = defineMethod({
  access: 'account',
  params: z.object({ id: destinationIdSchema }),
  async handle({ id }, session, ctx) {
    await deleteDestination(session.admin, id, changeContext(session, ctx));
    return true;
  },
});

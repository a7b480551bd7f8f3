import 'server-only';
import { z } from 'zod';
import { sendTestNotification } from '@/lib/notify/deliver';
import { changeContext, defineMethod } from '../method';
import { destinationIdSchema } from './notify-dest-del';

/** `notify.dest.test {id}` → `{ok: true}` or `{ok: false, error}`: one test notification, sent at once. */
export const notifyDestTest = defineMethod({
  access: 'account',
  params: z.object({ id: destinationIdSchema }),
  async handle({ id }, session, ctx) {
    return await sendTestNotification(session.admin, id, changeContext(session, ctx));
  },
});

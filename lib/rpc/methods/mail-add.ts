import 'server-only';
import { z } from 'zod';
import { createMailbox } from '@/lib/mailboxes/service';
import { emailSchema, mailboxCreateSchema } from '@/lib/mailboxes/schemas';
import { mailboxSettingParams, mailboxSettings } from '../mailbox-params';
import { changeContext, defineMethod, scopeOf } from '../method';

/** `mail.add {mail, password, allow_nets?, require_reset_password?, active?, memo?}` → `true`. */
export const mailAdd = defineMethod({
  access: 'account',
  params: z.object({ mail: emailSchema, password: mailboxCreateSchema.shape.password, ...mailboxSettingParams }),
  async handle(params, session, ctx) {
    await createMailbox(scopeOf(session), { email: params.mail, password: params.password, ...mailboxSettings(params) }, changeContext(session, ctx));
    return true;
  },
});

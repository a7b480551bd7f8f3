import 'server-only';
import { z } from 'zod';
import { createMailbox } from '@/lib/mailboxes/service';
import { emailSchema, mailboxCreateSchema } from '@/lib/mailboxes/schemas';
import { changeContext, defineMethod, scopeOf } from '../method';

const fields = mailboxCreateSchema.shape;

/** `mail.add {mail, password, allow_nets?, require_reset_password?, active?, memo?}` → `true`. */
export const mailAdd = defineMethod({
  access: 'account',
  params: z.object({
    mail: emailSchema,
    password: fields.password,
    allow_nets: fields.allowNets,
    require_reset_password: fields.requireResetPassword,
    active: fields.active,
    memo: fields.memo,
  }),
  async handle(params, session, ctx) {
    await createMailbox(
      scopeOf(session),
      {
        email: params.mail,
        password: params.password,
        allowNets: params.allow_nets,
        requireResetPassword: params.require_reset_password,
        active: params.active,
        memo: params.memo,
      },
      changeContext(session, ctx),
    );
    return true;
  },
});

import 'server-only';
import { z } from 'zod';
import { updateMailbox } from '@/lib/mailboxes/service';
import { emailSchema, mailboxPatchSchema } from '@/lib/mailboxes/schemas';
import { changeContext, defineMethod, scopeOf } from '../method';

const fields = mailboxPatchSchema.shape;

/**
 * `mail.set {mail, password?, same_password_allowed?, require_reset_password?, allow_nets?, active?, memo?}`
 * → `true`. Only the given fields change; `allow_nets: ""` (or null) removes the restriction. Any invalid
 * field changes nothing.
 */
export const mailSet = defineMethod({
  access: 'account',
  params: z.object({
    mail: emailSchema,
    password: fields.password,
    same_password_allowed: fields.samePasswordAllowed,
    require_reset_password: fields.requireResetPassword,
    allow_nets: fields.allowNets,
    active: fields.active,
    memo: fields.memo,
  }),
  async handle(params, session, ctx) {
    await updateMailbox(
      scopeOf(session),
      params.mail,
      {
        password: params.password,
        samePasswordAllowed: params.same_password_allowed,
        requireResetPassword: params.require_reset_password,
        allowNets: params.allow_nets,
        active: params.active,
        memo: params.memo,
      },
      changeContext(session, ctx),
    );
    return true;
  },
});

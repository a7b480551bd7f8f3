import 'server-only';
import { z } from 'zod';
import { updateMailbox } from '@/lib/mailboxes/service';
import { emailSchema, mailboxPatchSchema } from '@/lib/mailboxes/schemas';
import { mailboxSettingParams, mailboxSettings } from '../mailbox-params';
import { changeContext, defineMethod, scopeOf } from '../method';

const fields = mailboxPatchSchema.shape;

/**
 * `mail.set {mail, password?, same_password_allowed?, require_reset_password?, allow_nets?, active?, memo?}`
 * → `true`. Only the given fields change; `allow_nets: ""` (or null) removes the restriction. Any invalid
 * field changes nothing.
 */
export const mailSet = defineMethod({
  access: 'account',
  params: z.object({ mail: emailSchema, password: fields.password, same_password_allowed: fields.samePasswordAllowed, ...mailboxSettingParams }),
  async handle(params, session, ctx) {
    const patch = { password: params.password, samePasswordAllowed: params.same_password_allowed, ...mailboxSettings(params) };
    await updateMailbox(scopeOf(session), params.mail, patch, changeContext(session, ctx));
    return true;
  },
});

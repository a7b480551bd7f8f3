import 'server-only';
import { z } from 'zod';
import { updateMailbox } from '@/lib/mailboxes/service';
import { emailSchema, mailboxPatchSchema } from '@/lib/mailboxes/schemas';
import { mailboxSettingParams, mailboxSettings } from '../mailbox-params';
import { changeContext, defineMethod, scopeOf } from '../method';

const fields = mailboxPatchSchema.shape;

/**
 * `mail.set {mail, password?, same_password_allowed?, require_reset_password?, revoke_app_passwords?,
 * allow_nets?, active?, memo?}` → `true`. Only the given fields change; `allow_nets: ""` (or null) removes
 * the restriction. Any invalid field changes nothing. `require_reset_password: true` revokes the mailbox's
 * app passwords unless `revoke_app_passwords: false` (spec §20).
 */
export const mailSet = defineMethod({
  access: 'account',
  params: z.object({ mail: emailSchema, password: fields.password, same_password_allowed: fields.samePasswordAllowed, revoke_app_passwords: fields.revokeAppPasswords, ...mailboxSettingParams }),
  async handle(params, session, ctx) {
    const patch = { password: params.password, samePasswordAllowed: params.same_password_allowed, revokeAppPasswords: params.revoke_app_passwords, ...mailboxSettings(params) };
    await updateMailbox(scopeOf(session), params.mail, patch, changeContext(session, ctx));
    return true;
  },
});

import 'server-only';
import { z } from 'zod';
import { getAccountPolicy } from '@/lib/accounts/policy';
import { defineMethod, scopeOf } from '../method';

/** `account.policy.get` → the account's policies for mailboxes (spec §21), e.g. `{require_app_passwords}`. */
export const accountPolicyGet = defineMethod({
  access: 'account',
  params: z.object({}),
  async handle(_params, session) {
    return await getAccountPolicy(scopeOf(session));
  },
});

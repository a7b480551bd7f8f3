import 'server-only';
import { z } from 'zod';
import { getAccountPolicy } from '@/lib/accounts/policy';
import { defineMethod, scopeOf } from '../method';

/** `account.policy.get` → the account's policies for its mailboxes (spec §21), e.g. `{require_two_factor}`. */
export const accountPolicyGet = defineMethod({
  access: 'account',
  params: z.object({}),
  async handle(_params, session) {
    return getAccountPolicy(scopeOf(session));
  },
});

import 'server-only';
import { z } from 'zod';
import { getAccountPolicy } from '@/lib/accounts/policy';
import { defineMethod, scopeOf } from '../method';

/** `account.policy.get` → the session's account policies for its mailboxes (spec §21), e.g. `{password_max_age_days: null, require_app_passwords: false, require_two_factor: false}`. */
export const accountPolicyGet = defineMethod({
  access: 'account',
  params: z.object({}),
  handle: async (_params, session) => await getAccountPolicy(scopeOf(session)),
});

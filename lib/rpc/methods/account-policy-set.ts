import 'server-only';
import { setAccountPolicy } from '@/lib/accounts/policy';
import { accountPolicyPatchSchema } from '@/lib/accounts/policy-schema';
import { changeContext, defineMethod, scopeOf } from '../method';

/** `account.policy.set {require_two_factor?, …}` → the policies now in force; each change audited. */
export const accountPolicySet = defineMethod({
  access: 'account',
  params: accountPolicyPatchSchema,
  async handle(params, session, ctx) {
    return setAccountPolicy(scopeOf(session), changeContext(session, ctx), params);
  },
});

import 'server-only';
import { setAccountPolicy } from '@/lib/accounts/policy';
import { accountPolicyPatchSchema } from '@/lib/accounts/policy-schema';
import { changeContext, defineMethod, scopeOf } from '../method';

/**
 * `account.policy.set {require_app_passwords?, …}` → the policies as they are now. Only the given policies
 * change; each change is audited `account_policy_changed` (actor `api`).
 */
export const accountPolicySet = defineMethod({
  access: 'account',
  params: accountPolicyPatchSchema,
  async handle(params, session, ctx) {
    return await setAccountPolicy(scopeOf(session), changeContext(session, ctx), params);
  },
});

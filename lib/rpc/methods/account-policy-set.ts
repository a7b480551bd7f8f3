import 'server-only';
import { setAccountPolicy } from '@/lib/accounts/policy';
import { accountPolicyPatchSchema } from '@/lib/accounts/policy-schema';
import { changeContext, defineMethod, scopeOf } from '../method';

/**
 * `account.policy.set {password_max_age_days?, require_app_passwords?, require_two_factor?}` → the policies as they are now. Only the given fields
 * change; each change is audited `account_policy_changed` (actor `api`).
 */
export const accountPolicySet = defineMethod({
  access: 'account',
  params: accountPolicyPatchSchema,
  handle: async (params, session, ctx) => await setAccountPolicy(scopeOf(session), changeContext(session, ctx), params),
});

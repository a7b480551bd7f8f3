import 'server-only';
import { eq } from 'drizzle-orm';
import { accounts } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { NotFoundError } from '@/lib/errors';
import type { Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { accountPolicyPatchSchema, type AccountPolicyPatch } from './policy-schema';

/** An account's policies for its mailboxes, in the API's field names (spec §21 `account.policy.get`). */
export interface AccountPolicy {
  /** "Passwords expire after N days"; null = off (the default: NIST SP 800-63B advises against it). */
  password_max_age_days: number | null;
}

function accountIdOf(scope: Scope): number {
  // Policies belong to one business account; the operator's scope names none.
  if (scope.kind !== 'account') throw new NotFoundError('Account policies are set per business account');
  return scope.accountId;
}

/** The scope's account policies. */
export async function getAccountPolicy(scope: Scope): Promise<AccountPolicy> {
  const [row] = await getDb().select({ passwordMaxAgeDays: accounts.passwordMaxAgeDays }).from(accounts).where(eq(accounts.id, accountIdOf(scope))).limit(1);
  if (!row) throw new NotFoundError('Account not found');
  return { password_max_age_days: row.passwordMaxAgeDays };
}

/**
 * Changes the given policies of the scope's account (absent fields stay), in one transaction with one
 * audit row `account_policy_changed` per policy that changed (`{policy, old, new}`). Invalid input changes
 * nothing. Returns the policies as they are now.
 */
export async function setAccountPolicy(scope: Scope, actor: AuditContext, patch: AccountPolicyPatch): Promise<AccountPolicy> {
  const accountId = accountIdOf(scope);
  const data = parseOrThrow(accountPolicyPatchSchema, patch);
  await transaction(async (tx) => {
    const [row] = await tx.select({ passwordMaxAgeDays: accounts.passwordMaxAgeDays }).from(accounts).where(eq(accounts.id, accountId)).limit(1);
    if (!row) throw new NotFoundError('Account not found');

    // Password expiry (§21 routine check). Turning it on or shortening it flags nothing at once: the
    // password_expiry job does that at its next run, audited one mailbox at a time.
    if (data.password_max_age_days !== undefined && data.password_max_age_days !== row.passwordMaxAgeDays) {
      await tx.update(accounts).set({ passwordMaxAgeDays: data.password_max_age_days }).where(eq(accounts.id, accountId));
      await recordAudit(tx, actor, { event: 'account_policy_changed', accountId, detail: { policy: 'password_max_age_days', old: row.passwordMaxAgeDays, new: data.password_max_age_days } });
    }
  });
  return await getAccountPolicy(scope);
}

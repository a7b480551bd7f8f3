import 'server-only';
import { eq } from 'drizzle-orm';
import { accounts } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { NotFoundError } from '@/lib/errors';
import type { Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { accountPolicyPatchSchema, type AccountPolicyPatch } from './policy-schema';

/**
 * An account's policies for its mailboxes (spec §20/§21), as the API spells them. Each policy is one column
 * of `accounts`, one schema entry (policy-schema.ts) and one branch below; every change is audited
 * `account_policy_changed` with the old and new value.
 */
export interface AccountPolicy {
  /** "Require two-factor for mailboxes": a mailbox without it is confined to enrolment on the web (spec §20). */
  require_two_factor: boolean;
}

function accountIdOf(scope: Scope): number {
  // The operator has no account of its own: policies are always an account's.
  if (scope.kind !== 'account') throw new NotFoundError('Account not found');
  return scope.accountId;
}

/** The account's policies. */
export async function getAccountPolicy(scope: Scope): Promise<AccountPolicy> {
  const [row] = await getDb().select({ requireMailboxTwoFactor: accounts.requireMailboxTwoFactor }).from(accounts).where(eq(accounts.id, accountIdOf(scope)));
  if (!row) throw new NotFoundError('Account not found');
  return { require_two_factor: row.requireMailboxTwoFactor };
}

/** Changes the policies named in `patch` (others stay); returns the policies now in force. */
export async function setAccountPolicy(scope: Scope, actor: AuditContext, patch: AccountPolicyPatch): Promise<AccountPolicy> {
  const data = parseOrThrow(accountPolicyPatchSchema, patch);
  const accountId = accountIdOf(scope);
  return transaction(async (tx) => {
    const [before] = await tx.select({ requireMailboxTwoFactor: accounts.requireMailboxTwoFactor }).from(accounts).where(eq(accounts.id, accountId));
    if (!before) throw new NotFoundError('Account not found');
    const after: AccountPolicy = { require_two_factor: before.requireMailboxTwoFactor };
    const changed = async (policy: keyof AccountPolicy, old: unknown, value: unknown) =>
      recordAudit(tx, actor, { event: 'account_policy_changed', accountId, detail: { policy, old, new: value } });

    // ---- require_two_factor (mailbox two-factor, spec §20) ----
    // Takes effect at each mailbox's next request: the gate confines a mailbox without two-factor to
    // enrolment (web) and ends its API sessions; mail apps are not affected until the mailbox enrols.
    if (data.require_two_factor !== undefined && data.require_two_factor !== before.requireMailboxTwoFactor) {
      await tx.update(accounts).set({ requireMailboxTwoFactor: data.require_two_factor }).where(eq(accounts.id, accountId));
      await changed('require_two_factor', before.requireMailboxTwoFactor, data.require_two_factor);
      after.require_two_factor = data.require_two_factor;
    }

    return after;
  });
}

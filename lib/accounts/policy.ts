import 'server-only';
import { eq } from 'drizzle-orm';
import { accounts, mailboxes } from '@/db/schema';
import { endMailConnections } from '@/lib/mail-kick/outbox';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { NotFoundError } from '@/lib/errors';
import type { Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { accountPolicyPatchSchema, type AccountPolicyPatch } from './policy-schema';

/** An account's policies for its mailboxes (spec §20/§21), as the API names them. */
export interface AccountPolicy {
  require_app_passwords: boolean;
}

function accountIdOf(scope: Scope): number {
  // Policies belong to one business account: the operator has none of its own.
  if (scope.kind !== 'account') throw new NotFoundError('Account not found');
  return scope.accountId;
}

/** The policies of the scope's account. */
export async function getAccountPolicy(scope: Scope): Promise<AccountPolicy> {
  const [row] = await getDb().select({ requireAppPasswords: accounts.requireAppPasswords }).from(accounts).where(eq(accounts.id, accountIdOf(scope))).limit(1);
  if (!row) throw new NotFoundError('Account not found');
  return { require_app_passwords: row.requireAppPasswords };
}

/**
 * Changes the given policies of the scope's account in one transaction, each change audited
 * `account_policy_changed` with its old and new value. Returns the policies as they are now.
 */
export async function setAccountPolicy(scope: Scope, actor: AuditContext, patch: AccountPolicyPatch): Promise<AccountPolicy> {
  const data = parseOrThrow(accountPolicyPatchSchema, patch);
  const accountId = accountIdOf(scope);
  await transaction(async (tx) => {
    const [row] = await tx.select({ requireAppPasswords: accounts.requireAppPasswords }).from(accounts).where(eq(accounts.id, accountId)).limit(1);
    if (!row) throw new NotFoundError('Account not found');
    const changes: { policy: keyof AccountPolicy; old: unknown; new: unknown }[] = [];

    // "Mail apps must use app passwords" (spec §20). Turning it on takes access away from every mail app
    // connected with an account password, so every mailbox of the account has its open mail connections
    // ended (spec §18): apps with an app password sign in again at once, the others are refused.
    if (data.require_app_passwords !== undefined && data.require_app_passwords !== row.requireAppPasswords) {
      await tx.update(accounts).set({ requireAppPasswords: data.require_app_passwords }).where(eq(accounts.id, accountId));
      changes.push({ policy: 'require_app_passwords', old: row.requireAppPasswords, new: data.require_app_passwords });
      if (data.require_app_passwords) {
        const targets = await tx.select({ id: mailboxes.id, email: mailboxes.email, accountId: mailboxes.accountId }).from(mailboxes).where(eq(mailboxes.accountId, accountId));
        await endMailConnections(tx, targets, 'app_password_policy');
      }
    }

    for (const change of changes) await recordAudit(tx, actor, { event: 'account_policy_changed', accountId, detail: change });
  });
  return getAccountPolicy(scope);
}

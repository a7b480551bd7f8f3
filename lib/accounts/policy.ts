import 'server-only';
import { eq } from 'drizzle-orm';
import { accounts, mailboxes } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { NotFoundError } from '@/lib/errors';
import { endMailConnections } from '@/lib/mail-kick/outbox';
import type { Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { accountPolicyPatchSchema, type AccountPolicyPatch } from './policy-schema';

/**
 * An account's policies for its mailboxes (spec §20/§21), as the API spells them (`account.policy.get`).
 * Each policy is one column of `accounts`, one schema entry (policy-schema.ts) and one branch below; every
 * change is audited `account_policy_changed` with the old and new value.
 */
export interface AccountPolicy {
  /** "Passwords expire after N days"; null = off (the default: NIST SP 800-63B advises against it). */
  password_max_age_days: number | null;
  /** "Mail apps must use app passwords": the account password is refused on the mail protocols. */
  require_app_passwords: boolean;
  /** "Require two-factor for mailboxes": a mailbox without it is confined to enrolment on the web. */
  require_two_factor: boolean;
}

const policyColumns = {
  passwordMaxAgeDays: accounts.passwordMaxAgeDays,
  requireAppPasswords: accounts.requireAppPasswords,
  requireMailboxTwoFactor: accounts.requireMailboxTwoFactor,
};

type PolicyRow = { passwordMaxAgeDays: number | null; requireAppPasswords: boolean; requireMailboxTwoFactor: boolean };

function asPolicy(row: PolicyRow): AccountPolicy {
  return { password_max_age_days: row.passwordMaxAgeDays, require_app_passwords: row.requireAppPasswords, require_two_factor: row.requireMailboxTwoFactor };
}

function accountIdOf(scope: Scope): number {
  // Policies belong to one business account; the operator's scope names none.
  if (scope.kind !== 'account') throw new NotFoundError('Account not found');
  return scope.accountId;
}

/** The scope's account policies. */
export async function getAccountPolicy(scope: Scope): Promise<AccountPolicy> {
  const [row] = await getDb().select(policyColumns).from(accounts).where(eq(accounts.id, accountIdOf(scope))).limit(1);
  if (!row) throw new NotFoundError('Account not found');
  return asPolicy(row);
}

/**
 * Changes the given policies of the scope's account (absent fields stay), in one transaction with one audit
 * row `account_policy_changed` per policy that changed (`{policy, old, new}`). Invalid input changes nothing.
 * Returns the policies as they are now.
 */
export async function setAccountPolicy(scope: Scope, actor: AuditContext, patch: AccountPolicyPatch): Promise<AccountPolicy> {
  const data = parseOrThrow(accountPolicyPatchSchema, patch);
  const accountId = accountIdOf(scope);
  await transaction(async (tx) => {
    const [row] = await tx.select(policyColumns).from(accounts).where(eq(accounts.id, accountId)).limit(1);
    if (!row) throw new NotFoundError('Account not found');
    const changed = (policy: keyof AccountPolicy, old: unknown, value: unknown) =>
      recordAudit(tx, actor, { event: 'account_policy_changed', accountId, detail: { policy, old, new: value } });

    // ---- password_max_age_days (§21 routine check) ----
    // Turning it on or shortening it flags nothing at once: the password_expiry job does that at its next
    // run, audited one mailbox at a time.
    if (data.password_max_age_days !== undefined && data.password_max_age_days !== row.passwordMaxAgeDays) {
      await tx.update(accounts).set({ passwordMaxAgeDays: data.password_max_age_days }).where(eq(accounts.id, accountId));
      await changed('password_max_age_days', row.passwordMaxAgeDays, data.password_max_age_days);
    }

    // ---- require_app_passwords (§20) ----
    // Turning it on takes access away from every mail app connected with an account password, so every
    // mailbox of the account has its open mail connections ended (§18): apps with an app password sign in
    // again at once, the others are refused.
    if (data.require_app_passwords !== undefined && data.require_app_passwords !== row.requireAppPasswords) {
      await tx.update(accounts).set({ requireAppPasswords: data.require_app_passwords }).where(eq(accounts.id, accountId));
      await changed('require_app_passwords', row.requireAppPasswords, data.require_app_passwords);
      if (data.require_app_passwords) {
        const targets = await tx.select({ id: mailboxes.id, email: mailboxes.email, accountId: mailboxes.accountId }).from(mailboxes).where(eq(mailboxes.accountId, accountId));
        await endMailConnections(tx, targets, 'app_password_policy');
      }
    }

    // ---- require_two_factor (mailbox two-factor, §20) ----
    // Takes effect at each mailbox's next request: the gate confines a mailbox without two-factor to
    // enrolment (web) and ends its API sessions; mail apps are not affected until the mailbox enrols.
    if (data.require_two_factor !== undefined && data.require_two_factor !== row.requireMailboxTwoFactor) {
      await tx.update(accounts).set({ requireMailboxTwoFactor: data.require_two_factor }).where(eq(accounts.id, accountId));
      await changed('require_two_factor', row.requireMailboxTwoFactor, data.require_two_factor);
    }
  });
  return await getAccountPolicy(scope);
}

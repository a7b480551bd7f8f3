/**
 * Whose objects a caller may see. Admin sessions and account-level API sessions carry their account; the
 * CLI (the provider's operators, with shell access to the database) works across accounts.
 */
export type Scope = { kind: 'account'; accountId: number } | { kind: 'operator' };

export const operatorScope: Scope = { kind: 'operator' };

export function accountScope(accountId: number): Scope {
  return { kind: 'account', accountId };
}

import { eq, type AnyColumn, type SQL } from 'drizzle-orm';

/** Marks an account scope as issued by the session layer; not exported, so no other module can name it. */
declare const issuedBySession: unique symbol;

/**
 * Whose objects a caller may see. An account scope is proof that a session passed this request's checks:
 * only lib/session/ issues one (lib/session/account-scope.ts; a lint rule keeps its import and any cast to
 * this type there), so a service that takes it cannot be handed a scope someone made up.
 */
export type AccountScope = { readonly kind: 'account'; readonly accountId: number; readonly [issuedBySession]: true };

/** The CLI (the provider's operators, with shell access to the database) works across accounts. */
export type Scope = AccountScope | { readonly kind: 'operator' };

export const operatorScope: Scope = { kind: 'operator' };

/**
 * The one tenant condition: `column = scope's account` for an account scope, none for the operator. Every
 * service query over tenant rows puts this in its WHERE, so that isolation is written once.
 */
export function tenantCondition(scope: Scope, column: AnyColumn): SQL | undefined {
  return scope.kind === 'account' ? eq(column, scope.accountId) : undefined;
}

/** The scope's account, or null for the operator (for rows written with the actor's account). */
export function scopeAccountId(scope: Scope): number | null {
  return scope.kind === 'account' ? scope.accountId : null;
}

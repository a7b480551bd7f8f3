import type { AccountScope } from '@/lib/scope';

/**
 * Issues the account scope of a session that has passed its checks. Only lib/session/ may import this
 * (eslint rule portcullis/account-scope-issuer); tests and fixtures are the exception.
 */
export function issueAccountScope(accountId: number): AccountScope {
  return { kind: 'account', accountId } as AccountScope;
}

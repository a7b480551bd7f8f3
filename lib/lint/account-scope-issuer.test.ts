import { RuleTester } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { describe, it } from 'vitest';
import plugin from './account-scope-issuer.mjs';

RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({ languageOptions: { parser: tsParser } });
const imported = [{ messageId: 'import' }];
const cast = [{ messageId: 'cast' }];

tester.run('account-scope-issuer', plugin.rules['account-scope-issuer'], {
  valid: [
    // The session layer issues scopes.
    { code: "import { issueAccountScope } from './account-scope';", filename: 'lib/session/evaluate.ts' },
    { code: "import { issueAccountScope } from '@/lib/session/account-scope';", filename: '/work/x/lib/session/check.ts' },
    // Fixtures, tests and benchmarks make their own.
    { code: "import { issueAccountScope } from '@/lib/session/account-scope';", filename: 'lib/testing/factories.ts' },
    { code: "import { issueAccountScope } from '@/lib/session/account-scope';", filename: 'lib/mailboxes/bulk.test.ts' },
    { code: "const { issueAccountScope } = await import('../lib/session/account-scope');", filename: 'bench/admin-list.ts' },
    // Everyone may take the types, the operator scope and the tenant condition.
    { code: "import { tenantCondition, type AccountScope, type Scope } from '@/lib/scope'; declare const s: AccountScope; f(s);", filename: 'lib/mailboxes/service.ts' },
    { code: "import { evaluate } from '@/lib/session/evaluate';", filename: 'proxy.ts' },
    { code: 'declare const x: unknown; const n = x as number;', filename: 'lib/rpc/methods/mail-get.ts' },
  ],
  invalid: [
    // What rpc/methods/mail-get.ts and app/(webmail)/account/page.tsx used to do.
    { code: "import { issueAccountScope } from '@/lib/session/account-scope'; getMailbox(issueAccountScope(1), 'a@b');", filename: 'lib/rpc/methods/mail-get.ts', errors: imported },
    { code: "import { issueAccountScope } from '@/lib/session/account-scope';", filename: 'app/(webmail)/account/page.tsx', errors: imported },
    { code: "import { issueAccountScope } from '../session/account-scope.ts';", filename: 'lib/auth/dal.ts', errors: imported },
    { code: "export { issueAccountScope } from '@/lib/session/account-scope';", filename: 'lib/scope-reexport.ts', errors: imported },
    { code: "export * from '@/lib/session/account-scope';", filename: 'lib/scope-reexport.ts', errors: imported },
    { code: "const m = await import('@/lib/session/account-scope');", filename: 'lib/cli/main.ts', errors: imported },
    // Forging one by assertion.
    { code: "import type { AccountScope } from '@/lib/scope'; const s = { kind: 'account', accountId: 2 } as AccountScope;", filename: 'lib/rpc/method.ts', errors: cast },
    { code: "import type { Scope } from '@/lib/scope'; const s = <Scope>{ kind: 'account', accountId: 2 };", filename: 'lib/audit-log.ts', errors: cast },
    { code: "import type { Scope } from '@/lib/scope'; const s = { kind: 'account', accountId: 2 } satisfies Scope;", filename: 'lib/audit-log.ts', errors: cast },
  ],
});

import path from 'node:path';
import { RuleTester } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { describe, expect, it } from 'vitest';
import { LAYERS } from './layer-zones.mjs';
import rule, { resolveImport, within } from './layers.mjs';

RuleTester.describe = describe;
RuleTester.it = it;

// The real zones of eslint.config.mjs, on files placed in the real tree (nothing is written: the rule only
// reads the file's name).
const root = path.resolve(import.meta.dirname, '../..');
const at = (file: string) => path.join(root, file);
const tester = new RuleTester({ languageOptions: { parser: tsParser } });
const options = [{ root, zones: LAYERS }];
const refused = [{ messageId: 'layer' }];

tester.run('portcullis/layers', rule, {
  valid: [
    // Primitives use the data layer, configuration and each other.
    { filename: at('lib/auth/totp.ts'), code: "import { getDb } from '@/db'; import { env } from '@/lib/env'; import { keyedHash } from './secret-box';", options },
    // Services use primitives, the audit log and other services, and the scope's type from the session layer.
    { filename: at('lib/mailboxes/service.ts'), code: "import { hashPassword } from '@/lib/auth/password'; import { recordAudit } from '@/lib/audit'; import { assertSetsExist } from '@/lib/netsets/service';", options },
    { filename: at('lib/notify/service.ts'), code: "import type { AccountScope } from '@/lib/session/scope';", options },
    // The session layer uses services and primitives; flows use the session layer.
    { filename: at('lib/session/sign-in.ts'), code: "import { recordAudit } from '@/lib/audit'; import { changeOwnPassword } from '@/lib/mailboxes/service'; import { beginAttempt } from '@/lib/auth/throttle';", options },
    { filename: at('lib/flows/password-change.ts'), code: "import { reissueSession } from '@/lib/session/dal'; import { changeOwnPassword } from '@/lib/mailboxes/service';", options },
    // Channels use everything below them; the CLI reaches the database through a service.
    { filename: at('lib/cli/main.ts'), code: "import { backupDatabaseTo } from '@/lib/ops/database'; import { listAdmins } from '@/lib/admins/service';", options },
    { filename: at('app/admin/page.tsx'), code: "import { submitOwnPasswordChange } from '@/lib/flows/password-change'; import { requireAdmin } from '@/lib/session/dal';", options },
    // A service's session row operations are a service of their own; the session layer's types are a service's to take.
    { filename: at('lib/sessions/service.ts'), code: "import { endOneSession } from '@/lib/session-rows'; import { plainListAllows } from '@/lib/net/allowlist';", options },
    { filename: at('lib/messages/service.ts'), code: "import type { MailboxSession } from '@/lib/session/dal';", options },
    // Packages are not the rule's business.
    { filename: at('lib/net/allowlist.ts'), code: "import ipaddr from 'ipaddr.js'; import fs from 'node:fs';", options },
  ],
  invalid: [
    // lib/auth ↛ services, audit, flows, session — in the alias's spelling and in the relative one.
    { filename: at('lib/auth/password.ts'), code: "import { changeOwnPassword } from '@/lib/mailboxes/service';", options, errors: refused },
    { filename: at('lib/auth/password.ts'), code: "import { recordAudit } from '../audit';", options, errors: refused },
    { filename: at('lib/auth/throttle.ts'), code: "import { listAuditRows } from '@/lib/audit-log';", options, errors: refused },
    { filename: at('lib/auth/totp.ts'), code: "import { voluntaryPasswordChange } from '../flows/voluntary-change';", options, errors: refused },
    { filename: at('lib/auth/totp.ts'), code: "import { evaluate } from '@/lib/session/gate';", options, errors: refused },
    { filename: at('lib/auth/totp.ts'), code: "import { addressAllowed } from '../session/check';", options, errors: refused },
    { filename: at('lib/auth/second-factor.ts'), code: "import { verifySecondFactor } from '@/lib/second-factor/verify';", options, errors: refused },
    // The session layer's row file, the gate and the sign-in flows are the session layer's, not a service's.
    { filename: at('lib/mailboxes/two-factor.ts'), code: "import { endSubjectSessions } from '@/lib/session/row';", options, errors: refused },
    { filename: at('lib/admins/service.ts'), code: "import { plainListAllows } from '@/lib/session/check';", options, errors: refused },
    { filename: at('lib/mailboxes/two-factor.ts'), code: "import { VOLUNTARY_CHANGE_POLICY } from '@/lib/flows/voluntary-change';", options, errors: refused },
    // A type is still a dependency of lib/auth on a service.
    { filename: at('lib/auth/totp.ts'), code: "import type { ListSubject } from '@/lib/netsets/compiled-list';", options, errors: refused },
    // A service folder added later is a service too.
    { filename: at('lib/auth/totp.ts'), code: "import { notify } from '@/lib/notify/service';", options, errors: refused },
    // lib/net ↛ db (the parser runs in the browser).
    { filename: at('lib/net/allowlist-entries.ts'), code: "import type { EntryMeta } from '@/db/schema';", options, errors: refused },
    { filename: at('lib/net/allowlist-entries.ts'), code: "import type { EntryMeta } from '../../db/schema';", options, errors: refused },
    // Configuration knows no auth.
    { filename: at('lib/env.ts'), code: "import { parseRelyingPartyConfig } from './auth/relying-party';", options, errors: refused },
    // The CLI and the pages never import db/.
    { filename: at('lib/cli/main.ts'), code: "import { databaseTarget } from '@/db/engine';", options, errors: refused },
    { filename: at('lib/cli/demo.ts'), code: "import { getDb } from '@/db';", options, errors: refused },
    { filename: at('app/(webmail)/mail/page.tsx'), code: "import { messages } from '@/db/schema';", options, errors: refused },
    // Services do not reach up: no session value (only its types), no flow, no channel.
    { filename: at('lib/mailboxes/service.ts'), code: "import { requireMailbox } from '@/lib/session/dal';", options, errors: refused },
    { filename: at('lib/sessions/service.ts'), code: "export { endSubjectSessions } from '@/lib/session/web-session';", options, errors: refused },
    { filename: at('lib/admins/service.ts'), code: "import { submitAdminPasswordChange } from '@/lib/flows/admin-password-change';", options, errors: refused },
    { filename: at('lib/audit.ts'), code: "import { dispatch } from '@/lib/rpc/dispatch';", options, errors: refused },
    { filename: at('lib/mailboxes/service.ts'), code: "const m = await import('@/lib/session/gate');", options, errors: refused },
    // The session layer sits below the flows and channels; flows below the channels.
    { filename: at('lib/session/gate.ts'), code: "import { submitOwnPasswordChange } from '@/lib/flows/password-change';", options, errors: refused },
    { filename: at('lib/session/gate.ts'), code: "import { METHODS } from '@/lib/rpc/method-table';", options, errors: refused },
    { filename: at('lib/flows/password-change.ts'), code: "import { TEXT } from '@/app/(auth)/change-password/text';", options, errors: refused },
  ],
});

describe('how the layer rule reads paths', () => {
  it('resolves the alias and relative paths to the same module, and tells a module from a folder', () => {
    expect(resolveImport(root, at('lib/auth/x.ts'), '../audit')).toBe('lib/audit');
    expect(resolveImport(root, at('lib/auth/x.ts'), '@/lib/audit')).toBe('lib/audit');
    expect(resolveImport(root, at('lib/auth/x.ts'), '@/db')).toBe('db');
    expect(resolveImport(root, at('lib/auth/x.ts'), 'zod')).toBeNull();
    expect(within('lib/env', 'lib/env')).toBe(true);
    expect(within('lib/env-extra', 'lib/env')).toBe(false);
    expect(within('lib/audit-log', 'lib/audit')).toBe(false);
    expect(within('db', 'db/')).toBe(true);
    expect(within('dbx/a', 'db/')).toBe(false);
  });
});

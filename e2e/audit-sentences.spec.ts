import type { BrowserContext, Page } from '@playwright/test';
import { auditEvents } from '../db/schema';
import { accountWithAdmin, adminAt } from './support/admin';
import { createMailbox, dbOf, expect, test, type TestAccount } from './support/fixtures';

/**
 * The audit log in plain language: one test per event kind the code writes, each with the details that
 * code records, asserting the sentence an admin reads (lib/audit-sentence.ts words them).
 */

interface Case {
  kind: string;
  /** The row's fields besides the account and time; `{mailbox}` and `{admin}` are filled in. */
  row: { mailbox?: boolean; actorKind: 'admin' | 'mailbox' | 'api' | 'cli' | 'system'; actorEmail?: string; clientIp?: string; protocol?: 'web' | 'api' | 'imap'; detail?: Record<string, unknown> };
  sentence: string;
}

const CASES: Case[] = [
  { kind: 'login_succeeded', row: { mailbox: true, actorKind: 'mailbox', actorEmail: '{mailbox}', clientIp: '198.51.100.7', protocol: 'web' }, sentence: '{mailbox} signed in from 198.51.100.7' },
  {
    kind: 'login_failed',
    row: { mailbox: true, actorKind: 'mailbox', clientIp: '192.0.2.7', protocol: 'web', detail: { reason: 'network_not_allowed' } },
    sentence: 'Sign-in refused for {mailbox} from 192.0.2.7: network not allowed',
  },
  {
    kind: 'session_ended',
    row: { mailbox: true, actorKind: 'mailbox', actorEmail: '{mailbox}', clientIp: '192.0.2.8', protocol: 'api', detail: { reason: 'session_version' } },
    sentence: 'Session of {mailbox} ended from 192.0.2.8 over the API: signed out by a password change or a forced change',
  },
  { kind: 'logout', row: { mailbox: true, actorKind: 'mailbox', actorEmail: '{mailbox}', clientIp: '198.51.100.9', protocol: 'web' }, sentence: '{mailbox} signed out from 198.51.100.9' },
  {
    kind: 'password_changed',
    row: { mailbox: true, actorKind: 'mailbox', actorEmail: '{mailbox}', clientIp: '198.51.100.10', detail: { reason: 'forced' } },
    sentence: '{mailbox} changed their password (required by an admin) from 198.51.100.10',
  },
  { kind: 'password_set_by_admin', row: { mailbox: true, actorKind: 'admin', actorEmail: '{admin}', clientIp: '198.51.100.11', detail: {} }, sentence: '{admin} set a new password for {mailbox} from 198.51.100.11' },
  {
    kind: 'allow_nets_changed',
    row: { mailbox: true, actorKind: 'admin', actorEmail: '{admin}', detail: { old: null, new: '127.0.0.1,::1' } },
    sentence: '{admin} changed the allowed networks of {mailbox} from no restriction to 127.0.0.1, ::1',
  },
  { kind: 'require_reset_password_changed', row: { mailbox: true, actorKind: 'admin', actorEmail: '{admin}', detail: { old: false, new: true } }, sentence: '{admin} forced a password change for {mailbox}' },
  { kind: 'active_changed', row: { mailbox: true, actorKind: 'admin', actorEmail: '{admin}', detail: { old: true, new: false } }, sentence: '{admin} deactivated {mailbox}' },
  { kind: 'memo_changed', row: { mailbox: true, actorKind: 'admin', actorEmail: '{admin}', detail: { old: '', new: 'laptop stolen' } }, sentence: '{admin} changed the memo of {mailbox}' },
  {
    kind: 'mailbox_created',
    row: { mailbox: true, actorKind: 'admin', actorEmail: '{admin}', detail: { allow_nets: '203.0.113.0/24', require_reset_password: true, active: true } },
    sentence: '{admin} created {mailbox} (allowed networks: 203.0.113.0/24; password change required at first sign-in)',
  },
  { kind: 'mailbox_deleted', row: { mailbox: true, actorKind: 'cli', actorEmail: 'root' }, sentence: 'The operator (root, command line) deleted {mailbox}' },
  {
    kind: 'bulk_changed',
    row: { actorKind: 'admin', actorEmail: '{admin}', detail: { action: 'force_reset', target: { selected: 3 }, matched: 3, changed: 2, skipped_unrestricted: 0 } },
    sentence: '{admin} forced a password change for 3 selected mailboxes: 2 changed',
  },
  { kind: 'admin_login_succeeded', row: { actorKind: 'admin', actorEmail: '{admin}', clientIp: '198.51.100.12', detail: { admin: '{admin}' } }, sentence: 'Admin {admin} signed in from 198.51.100.12' },
  {
    kind: 'admin_login_failed',
    row: { actorKind: 'admin', actorEmail: '{admin}', clientIp: '192.0.2.13', detail: { admin: '{admin}', reason: 'bad_password' } },
    sentence: 'Admin sign-in refused for {admin} from 192.0.2.13: wrong password',
  },
  { kind: 'admin_logout', row: { actorKind: 'admin', actorEmail: '{admin}', clientIp: '198.51.100.14', detail: { admin: '{admin}' } }, sentence: 'Admin {admin} signed out from 198.51.100.14' },
  { kind: 'account_created', row: { actorKind: 'cli', actorEmail: 'root', detail: { name: 'Example Co', domain: 'example.com', admin: '{admin}' } }, sentence: 'The operator (root, command line) created the business account "Example Co" with the domain example.com' },
  { kind: 'domain_added', row: { actorKind: 'cli', actorEmail: 'root', detail: { domain: 'example.org' } }, sentence: 'The operator (root, command line) added the domain example.org' },
  // A kind this version does not know (other work adds kinds): still a readable sentence.
  { kind: 'totp_enabled', row: { mailbox: true, actorKind: 'mailbox', actorEmail: '{mailbox}', clientIp: '198.51.100.15' }, sentence: 'Totp enabled for {mailbox}, by {mailbox} from 198.51.100.15' },
];

function fill<T>(value: T, names: Record<string, string>): T {
  return JSON.parse(JSON.stringify(value ?? null).replace(/\{(mailbox|admin)\}/g, (_, k: string) => names[k]!)) as T;
}

function insert(account: TestAccount, kind: string, row: Case['row'], mailbox: { id: number; email: string } | null, names: Record<string, string>) {
  const r = fill(row, names);
  dbOf(account.server)
    .insert(auditEvents)
    .values({
      at: new Date(Date.now() - 5 * 60_000),
      accountId: account.id,
      actorKind: r.actorKind,
      actorEmail: r.actorEmail ?? null,
      mailboxId: mailbox?.id ?? null,
      mailboxEmail: mailbox?.email ?? null,
      event: kind,
      clientIp: r.clientIp ?? null,
      protocol: r.protocol ?? null,
      detail: r.detail ?? null,
    })
    .run();
}

test.describe('audit log sentences', () => {
  // One account holds a row of every kind and one admin session reads them: each test is one page load.
  let shared: { context: BrowserContext; page: Page; names: Record<string, Record<string, string>> } | undefined;

  test.beforeAll(async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const names: Record<string, Record<string, string>> = {};
    for (const c of CASES) {
      const mailbox = c.row.mailbox ? createMailbox(account, { messages: 0 }) : null;
      names[c.kind] = { mailbox: mailbox?.email ?? '', admin: admin.email };
      insert(account, c.kind, c.row, mailbox, names[c.kind]!);
    }
    const { context, page } = await adminAt(browser, '198.51.100.200', admin, { javaScriptEnabled: false });
    shared = { context, page, names };
  });

  test.afterAll(async () => {
    await shared?.context.close();
  });

  for (const c of CASES) {
    test(`${c.kind} reads as "${c.sentence}"`, async () => {
      const { page, names } = shared!;
      await page.goto(`/admin/audit?event=${c.kind}`);
      const row = page.locator(`[data-testid="audit-table"] tbody tr[data-event="${c.kind}"]`).last();
      await expect(row.locator('.sentence')).toHaveText(fill(c.sentence, names[c.kind]!));
      // The raw details stay one click away.
      await expect(row.locator('details summary')).toHaveText('Details');
    });
  }
});

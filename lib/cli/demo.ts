import 'server-only';
import { createAccount, hasAccounts } from '@/lib/accounts/service';
import type { AuditContext } from '@/lib/audit';
import { createMailbox } from '@/lib/mailboxes/service';
import { storeMessage } from '@/lib/messages/service';
import { operatorScope } from '@/lib/scope';

/** Demo data for a fresh installation; printed so that someone trying it out can sign in straight away. */
export const DEMO = {
  account: 'Example Co',
  domain: 'example.com',
  admin: { email: 'admin@example.com', password: 'Harbor-Lantern-Violet-42' },
  mailboxes: [
    { email: 'alice@example.com', password: 'Quiet-Meadow-Copper-17', note: 'no restriction' },
    { email: 'carol@example.com', password: 'Amber-Falcon-Ridge-58', allowNets: '127.0.0.1,::1', note: 'allowed from this machine only (127.0.0.1, ::1)' },
    { email: 'bob@example.com', password: 'Silver-Orchard-Tide-63', allowNets: '203.0.113.0/24,2001:db8::/32', note: 'allowed from 203.0.113.0/24 and 2001:db8::/32 only: refused here' },
    { email: 'dave@example.com', password: 'Granite-Willow-Echo-29', requireResetPassword: true, note: 'must change the password at the next sign-in' },
  ],
  other: { account: 'Other Corp', domain: 'other.example', admin: { email: 'admin@other.example', password: 'Maple-Comet-Basalt-71' } },
} as const;

const WELCOME = [
  { from: 'it-desk@example.com', subject: 'Welcome to your mailbox', body: 'Your mailbox is ready. Your administrator may limit sign-in to the office network or VPN.' },
  { from: 'security@example.com', subject: 'About network restrictions', body: 'If sign-in fails away from the office, connect through the VPN and try again.' },
  { from: 'newsletter@example.org', subject: 'This week in the project', body: 'Three short updates and one long read.' },
];

/** Creates the demo data when the database has no account yet; returns false when there was data already. */
export async function seedDemo(): Promise<boolean> {
  if (await hasAccounts()) return false;
  const ctx: AuditContext = { actor: { kind: 'system', email: 'demo' }, protocol: null };
  await createAccount({ name: DEMO.account, domain: DEMO.domain, adminEmail: DEMO.admin.email, adminPassword: DEMO.admin.password }, ctx);
  await createAccount({ name: DEMO.other.account, domain: DEMO.other.domain, adminEmail: DEMO.other.admin.email, adminPassword: DEMO.other.admin.password }, ctx);
  for (const m of DEMO.mailboxes) {
    const mailbox = await createMailbox(operatorScope, {
      email: m.email,
      password: m.password,
      allowNets: 'allowNets' in m ? m.allowNets : null,
      requireResetPassword: 'requireResetPassword' in m ? m.requireResetPassword : false,
    }, ctx);
    for (const [i, w] of WELCOME.entries()) {
      await storeMessage(mailbox.id, { fromAddress: w.from, subject: w.subject, body: w.body, receivedAt: new Date(Date.now() - i * 3_600_000) });
    }
  }
  return true;
}

/** The demo accounts' credentials, for the console (npm start prints them once the server listens). */
export function demoCredentialsText(baseUrl: string): string {
  const lines = [
    `Demo data created. Webmail sign-in at ${baseUrl}/login with:`,
    ...DEMO.mailboxes.map((m) => `  ${m.email.padEnd(20)} ${m.password.padEnd(26)} ${m.note}`),
    `Business admins at ${baseUrl}/admin/login:`,
    `  ${DEMO.admin.email.padEnd(20)} ${DEMO.admin.password.padEnd(26)} ${DEMO.account} (example.com)`,
    `  ${DEMO.other.admin.email.padEnd(20)} ${DEMO.other.admin.password.padEnd(26)} ${DEMO.other.account} (${DEMO.other.domain}, no mailboxes: shows that accounts are separate)`,
  ];
  return lines.join('\n');
}

/**
 * Operator CLI: `npm run cli -- <command>`. Runs the same domain service as the app (under the
 * react-server condition, so `server-only` modules load). Errors exit non-zero with one line.
 */
import { Command, Option } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { addDomain, createAccount } from '@/lib/accounts/service';
import { pruneExpiredRecords, type AuditContext } from '@/lib/audit';
import { demoCredentialsText, seedDemo } from '@/db/seed';
import { env } from '@/lib/env';
import { DomainError } from '@/lib/errors';
import { createMailbox, listMailboxes, updateMailbox } from '@/lib/mailboxes/service';
import type { MailboxPatchInput } from '@/lib/mailboxes/schemas';
import { toMailGetObject } from '@/lib/mailboxes/view';
import { operatorScope } from '@/lib/scope';
import os from 'node:os';

const ctx: AuditContext = { actor: { kind: 'cli', email: os.userInfo().username }, protocol: null };

/** --password, else PORTCULLIS_PASSWORD, else a prompt that does not echo. */
async function passwordFrom(option: string | undefined): Promise<string> {
  if (option !== undefined) return option;
  const fromEnv = env().PORTCULLIS_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) throw new Error('no password: use --password or the PORTCULLIS_PASSWORD environment variable');
  let muted = false;
  const output = new Writable({ write: (chunk, _enc, cb) => { if (!muted) process.stdout.write(chunk); cb(); } });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question('Password: ', (answer) => { rl.close(); process.stdout.write('\n'); resolve(answer); });
    muted = true;
  });
}

const program = new Command('portcullis').description('Operate Portcullis: accounts, domains, mailboxes, demo data').showHelpAfterError(false);

const account = program.command('account').description('business accounts');
account
  .command('create')
  .description('create a business account with its first domain and admin')
  .requiredOption('--name <name>', 'account name')
  .requiredOption('--domain <domain>', 'first domain, e.g. example.com')
  .requiredOption('--admin <email>', 'admin email address')
  .option('--password <password>', 'admin password (prefer PORTCULLIS_PASSWORD or the prompt)')
  .action(async (o) => {
    await createAccount({ name: o.name, domain: o.domain, adminEmail: o.admin, adminPassword: await passwordFrom(o.password) }, ctx);
    console.log(`created account "${o.name}" with domain ${o.domain.toLowerCase()} and admin ${o.admin.toLowerCase()}`);
  });

program
  .command('domain')
  .description('domains')
  .command('add')
  .description('add a domain to an account')
  .requiredOption('--account <name>', 'account name')
  .requiredOption('--domain <domain>', 'domain, e.g. example.org')
  .action((o) => {
    addDomain({ account: o.account, domain: o.domain }, ctx);
    console.log(`added domain ${o.domain.toLowerCase()} to "${o.account}"`);
  });

const mailbox = program.command('mailbox').description('mailboxes');
mailbox
  .command('create')
  .description('create a mailbox in an existing domain')
  .requiredOption('--email <email>', 'address, e.g. alice@example.com')
  .option('--password <password>', 'password (prefer PORTCULLIS_PASSWORD or the prompt)')
  .option('--allow-nets <list>', 'allowed networks, comma-separated (empty = unrestricted)')
  .option('--require-reset', 'force a password change at the first sign-in')
  .action(async (o) => {
    const view = await createMailbox(operatorScope, { email: o.email, password: await passwordFrom(o.password), allowNets: o.allowNets ?? null, requireResetPassword: Boolean(o.requireReset) }, ctx);
    console.log(`created ${view.email} (allow_nets: ${view.allowNets ?? 'unrestricted'})`);
  });

mailbox
  .command('set')
  .description('change a mailbox; only the given options change')
  .requiredOption('--email <email>', 'address')
  .option('--allow-nets <list>', 'allowed networks, comma-separated; "" removes the restriction')
  .addOption(new Option('--require-reset', 'force a password change at the next sign-in (ends open sessions)'))
  .addOption(new Option('--no-require-reset', 'cancel a pending forced change'))
  .addOption(new Option('--active', 'allow sign-in').conflicts('inactive'))
  .addOption(new Option('--inactive', 'refuse every sign-in and end open sessions').conflicts('active'))
  .action(async (o, cmd: Command) => {
    const patch: MailboxPatchInput = {};
    if (o.allowNets !== undefined) patch.allowNets = o.allowNets;
    // commander sets requireReset=true by default for a --no- option; only an explicit flag counts.
    if (cmd.getOptionValueSource('requireReset') === 'cli') patch.requireResetPassword = Boolean(o.requireReset);
    if (o.active) patch.active = true;
    if (o.inactive) patch.active = false;
    if (Object.keys(patch).length === 0) throw new Error('nothing to change: give --allow-nets, --require-reset/--no-require-reset or --active/--inactive');
    const { mailbox: view, changes } = await updateMailbox(operatorScope, o.email, patch, ctx);
    if (changes.length === 0) console.log(`${view.email}: nothing changed`);
    for (const c of changes) console.log(`${view.email}: ${c.field} ${JSON.stringify(c.old ?? null)} -> ${JSON.stringify(c.new ?? null)}`);
  });

mailbox
  .command('list')
  .description('list mailboxes with their allowed networks and flags')
  .option('--domain <domain>', 'only this domain')
  .option('--json', 'print a JSON array of mail.get objects')
  .action((o) => {
    const items = [];
    for (let page = 1; ; page++) {
      const { items: batch } = listMailboxes(operatorScope, { domain: o.domain, page, pageSize: 1000 });
      items.push(...batch);
      if (batch.length < 1000) break;
    }
    if (o.json) {
      console.log(JSON.stringify(items.map(toMailGetObject), null, 2));
      return;
    }
    for (const m of items) {
      console.log(`${m.email}\tallow_nets=${m.allowNets ?? ''}\trequire_reset_password=${m.requireResetPassword}\tactive=${m.active}`);
    }
  });

program
  .command('audit')
  .description('the audit log')
  .command('prune')
  .description('delete audit rows older than AUDIT_RETENTION_DAYS (or --days) and expired throttling rows')
  .option('--days <n>', 'retention in days (default: AUDIT_RETENTION_DAYS, 400)')
  .option('--json', 'print the counts as JSON')
  .action((o) => {
    const days = o.days === undefined ? env().AUDIT_RETENTION_DAYS : Number(o.days);
    if (!Number.isSafeInteger(days) || days < 1) throw new Error(`--days must be a whole number of at least 1, got "${o.days}"`);
    const counts = pruneExpiredRecords(days, ctx);
    if (o.json) console.log(JSON.stringify(counts));
    else console.log(`deleted ${counts.auditRows} audit rows older than ${days} days, ${counts.throttleRows} expired throttling rows and ${counts.knownNetworks} expired known networks`);
  });

program
  .command('demo')
  .description('create the demo data (only into a database without accounts)')
  .action(async () => {
    if (await seedDemo()) console.log(demoCredentialsText());
    else console.log('the database already has accounts; demo data not created');
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof DomainError || error instanceof Error ? error.message : String(error);
  console.error(`error: ${message.split('\n').join(' ')}`);
  process.exit(1);
});

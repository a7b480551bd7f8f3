/**
 * Operator CLI: `npm run cli -- <command>`. Runs the same domain service as the app (under the
 * react-server condition, so `server-only` modules load). Errors exit non-zero with one line.
 */
import { Command, Option } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { addDomain, createAccount } from '@/lib/accounts/service';
import { addAdmin, listAdmins, removeAdmin, setAdminActive, setAdminAllowNets, setAdminPassword } from '@/lib/admins/service';
import { resetAdminTwoFactor } from '@/lib/admins/two-factor';
import { pruneExpiredRecords, type AuditContext } from '@/lib/audit';
import { AUDIT_LIST_DEFAULT_LIMIT, AUDIT_LIST_MAX_LIMIT, auditListItems, auditListOptionsSchema } from '@/lib/audit-log';
import { parseOptions, streamWriter, writeItems } from '@/lib/cli/output';
import { demoCredentialsText, seedDemo } from '@/lib/cli/demo';
import { env } from '@/lib/env';
import { setDefaultLogLevel } from '@/lib/log';
import { listenUrl } from '@/lib/ops/listen-url';
import { backupDatabaseTo, closeDatabase, prepareDatabaseForCommand } from '@/lib/ops/database';
import { DomainError } from '@/lib/errors';
import { createMailbox, listMailboxes, updateMailbox } from '@/lib/mailboxes/service';
import type { MailboxPatchInput } from '@/lib/mailboxes/schemas';
import { toMailGetObject } from '@/lib/mailboxes/view';
import { operatorScope } from '@/lib/scope';
import { listAppPasswordsOf, revokeAppPasswordOf } from '@/lib/app-passwords/service';
import { toAppPasswordObject } from '@/lib/app-passwords/view';
import { endMailboxSessions, listMailboxSessions } from '@/lib/sessions/service';
import { resetMailboxTwoFactor } from '@/lib/mailboxes/two-factor';
import { accountIdByName } from '@/lib/accounts/service';
import { createNetSet, deleteNetSet, getNetSet, listNetSets, updateNetSet } from '@/lib/netsets/service';
import { toNetSetObject } from '@/lib/netsets/view';
import { JOBS } from '@/lib/schedule/registry';
import { runDueJobs } from '@/lib/jobs/runner';
import { jobStates } from '@/lib/job-leases';
import os from 'node:os';

setDefaultLogLevel('warn');

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
  .action(async (o) => {
    await addDomain({ account: o.account, domain: o.domain }, ctx);
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
  .addOption(new Option('--keep-app-passwords', "with --require-reset: keep the mailbox's app passwords (by default they are revoked)"))
  .addOption(new Option('--allow-nets-mode <mode>', 'enforce the list, or only monitor it (refusals are audited as would_refuse)').choices(['enforce', 'monitor']))
  .addOption(new Option('--active', 'allow sign-in').conflicts('inactive'))
  .addOption(new Option('--inactive', 'refuse every sign-in and end open sessions').conflicts('active'))
  .action(async (o, cmd: Command) => {
    const patch: MailboxPatchInput = {};
    if (o.allowNets !== undefined) patch.allowNets = o.allowNets;
    if (o.allowNetsMode !== undefined) patch.allowNetsMode = o.allowNetsMode;
    // commander sets requireReset=true by default for a --no- option; only an explicit flag counts.
    if (cmd.getOptionValueSource('requireReset') === 'cli') patch.requireResetPassword = Boolean(o.requireReset);
    if (o.keepAppPasswords) {
      if (patch.requireResetPassword !== true) throw new Error('--keep-app-passwords goes with --require-reset');
      patch.revokeAppPasswords = false;
    }
    if (o.active) patch.active = true;
    if (o.inactive) patch.active = false;
    if (Object.keys(patch).length === 0) throw new Error('nothing to change: give --allow-nets, --allow-nets-mode, --require-reset/--no-require-reset or --active/--inactive');
    const { mailbox: view, changes } = await updateMailbox(operatorScope, o.email, patch, ctx);
    if (changes.length === 0) console.log(`${view.email}: nothing changed`);
    for (const c of changes) console.log(`${view.email}: ${c.field} ${JSON.stringify(c.old ?? null)} -> ${JSON.stringify(c.new ?? null)}`);
  });

mailbox
  .command('app-passwords')
  .description("list a mailbox's app passwords (label, protocols, networks, expiry, last use)")
  .requiredOption('--email <email>', 'mailbox address')
  .option('--json', 'print a JSON array of mail.apppass.list objects')
  .action(async (o) => {
    const items = (await listAppPasswordsOf(operatorScope, o.email)).map(toAppPasswordObject);
    if (o.json) {
      console.log(JSON.stringify(items, null, 2));
      return;
    }
    if (items.length === 0) console.log('no app passwords');
    for (const a of items) {
      console.log(
        `${a.id}	${a.label}	protocols=${a.protocols.join(',')}	allow_nets=${a.allow_nets}	expires=${a.expires_at ?? ''}	last_used=${a.last_used_at ?? ''} ${a.last_used_address ?? ''} ${a.last_used_protocol ?? ''}`.trimEnd(),
      );
    }
  });

mailbox
  .command('revoke-app-password')
  .description("revoke one app password of a mailbox (ends the mailbox's open mail connections)")
  .requiredOption('--email <email>', 'mailbox address')
  .requiredOption('--id <id>', 'the app password id (see mailbox app-passwords)')
  .action(async (o) => {
    await revokeAppPasswordOf(operatorScope, o.email, Number(o.id), ctx);
    console.log(`${o.email}: app password ${o.id} revoked`);
  });

mailbox
  .command('list')
  .description('list mailboxes with their allowed networks and flags')
  .option('--domain <domain>', 'only this domain')
  .option('--json', 'print a JSON array of mail.get objects')
  .action(async (o) => {
    const items = [];
    for (let page = 1; ; page++) {
      const { items: batch } = await listMailboxes(operatorScope, { domain: o.domain, page, pageSize: 1000 });
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

const netset = program.command('netset').description('named network sets of an account (referenced in lists as @name)');
netset
  .command('list')
  .description("list an account's network sets")
  .requiredOption('--account <name>', 'account name')
  .option('--json', 'print a JSON array of netset.get objects')
  .action(async (o) => {
    const sets = await listNetSets(await accountIdByName(o.account));
    if (o.json) {
      console.log(JSON.stringify(sets.map((s) => toNetSetObject(s)), null, 2));
      return;
    }
    for (const s of sets) console.log(`@${s.name}\tentries=${s.entries.length}\tused_by=${s.usedBy}\t${s.description}`);
  });
netset
  .command('show')
  .description('show one network set with its entries')
  .requiredOption('--account <name>', 'account name')
  .requiredOption('--name <name>', 'set name')
  .option('--json', 'print the netset.get object')
  .action(async (o) => {
    const view = await getNetSet(await accountIdByName(o.account), o.name);
    if (o.json) {
      console.log(JSON.stringify(toNetSetObject(view), null, 2));
      return;
    }
    console.log(`@${view.name}: ${view.description} (used by ${view.usedBy} mailbox${view.usedBy === 1 ? '' : 'es'})`);
    const now = Date.now();
    for (const e of view.entries) {
      const expiry = e.expiresAt === null ? '' : `\t${e.expiresAt <= now ? 'expired' : 'expires'} ${new Date(e.expiresAt).toISOString()}`;
      console.log(`${e.net}${e.label ? `\t${e.label}` : ''}${expiry}`);
    }
  });
netset
  .command('add')
  .description('create a network set')
  .requiredOption('--account <name>', 'account name')
  .requiredOption('--name <name>', 'set name: 1-40 lower-case letters, digits or dashes')
  .option('--description <text>', 'what the networks are')
  .option('--allow-nets <list>', 'networks, comma-separated')
  .action(async (o) => {
    const view = await createNetSet(await accountIdByName(o.account), { name: o.name, description: o.description, allowNets: o.allowNets }, ctx);
    console.log(`created @${view.name} (${view.allowNets || 'no entries'})`);
  });
netset
  .command('set')
  .description('change a network set; every mailbox using it follows at its next request')
  .requiredOption('--account <name>', 'account name')
  .requiredOption('--name <name>', 'set name')
  .option('--new-name <name>', 'rename (only while no mailbox uses the set)')
  .option('--description <text>', 'what the networks are')
  .option('--allow-nets <list>', 'networks, comma-separated (labels of networks that stay are kept)')
  .action(async (o) => {
    const view = await updateNetSet(await accountIdByName(o.account), o.name, { newName: o.newName, description: o.description, allowNets: o.allowNets }, ctx);
    console.log(`@${view.name}: ${view.allowNets || 'no entries'}`);
  });
netset
  .command('del')
  .description('delete a network set (refused while mailboxes use it)')
  .requiredOption('--account <name>', 'account name')
  .requiredOption('--name <name>', 'set name')
  .action(async (o) => {
    await deleteNetSet(await accountIdByName(o.account), o.name, ctx);
    console.log(`deleted @${o.name.replace(/^@/, '')}`);
  });

mailbox
  .command('sessions')
  .description("list a mailbox's open web and API sessions")
  .requiredOption('--email <email>', 'mailbox address')
  .option('--json', 'print a JSON array')
  .action(async (o) => {
    const sessions = await listMailboxSessions(operatorScope, o.email);
    if (o.json) {
      const rows = sessions.map((s) => ({
        channel: s.channel,
        device: s.device.label,
        started_at: s.startedAt.toISOString(),
        last_active_at: s.lastActiveAt.toISOString(),
        start_ip: s.startIp,
        last_ip: s.lastIp,
      }));
      console.log(JSON.stringify(rows, null, 2));
      return;
    }
    if (sessions.length === 0) console.log('no open sessions');
    for (const s of sessions) {
      console.log(`${s.channel}\t${s.device.label}\tlast_ip=${s.lastIp ?? ''}\tstarted=${s.startedAt.toISOString()}\tlast_active=${s.lastActiveAt.toISOString()}`);
    }
  });

mailbox
  .command('sign-out')
  .description("end every web and API session of a mailbox (audited sessions_ended)")
  .requiredOption('--email <email>', 'mailbox address')
  .action(async (o) => {
    const count = await endMailboxSessions(operatorScope, o.email, ctx);
    console.log(`${o.email}: ${count} session${count === 1 ? '' : 's'} ended`);
  });

mailbox
  .command('reset-2fa')
  .description("reset a mailbox's two-factor (a lost device): TOTP and recovery codes removed, its sessions end (audited two_factor_reset)")
  .requiredOption('--email <email>', 'mailbox address')
  .action(async (o) => {
    const { wasOn } = await resetMailboxTwoFactor(operatorScope, o.email, null, ctx);
    console.log(`${o.email}: two-factor ${wasOn ? 'reset' : 'was already off; sessions ended'}`);
  });

const admin = program.command('admin').description('business admins (break-glass operator access)');
admin
  .command('add')
  .description('add an admin to an account; they must choose their own password at first sign-in')
  .requiredOption('--account <name>', 'account name')
  .requiredOption('--email <email>', 'admin address')
  .option('--password <password>', 'initial password (else PORTCULLIS_PASSWORD, else prompted)')
  .action(async (o) => {
    const view = await addAdmin(operatorScope, { account: o.account, email: o.email, password: await passwordFrom(o.password) }, ctx);
    console.log(`admin ${view.email} added to account "${view.account}"`);
  });

admin
  .command('set')
  .description('change an admin; only the given options change')
  .requiredOption('--email <email>', 'admin address')
  .option('--password <password>', 'set a new password (ends their sessions; they must choose their own at next sign-in)')
  .option('--allow-nets <list>', 'the admin\'s allowed networks, comma-separated; "" removes the restriction')
  .option('--reset-2fa', 'turn off their two-factor and delete their recovery codes (lost device); ends their sessions')
  .addOption(new Option('--active', 'allow sign-in').conflicts('inactive'))
  .addOption(new Option('--inactive', 'refuse sign-in and end their sessions (never the last active admin)').conflicts('active'))
  .action(async (o) => {
    if (o.password === undefined && o.allowNets === undefined && !o.active && !o.inactive && !o.reset2fa) {
      throw new Error('nothing to change: give --password, --allow-nets, --reset-2fa or --active/--inactive');
    }
    if (o.reset2fa) {
      await resetAdminTwoFactor(operatorScope, o.email, ctx);
      console.log(`${o.email}: two-factor reset; sessions ended`);
    }
    if (o.allowNets !== undefined) {
      const view = await setAdminAllowNets(operatorScope, o.email, o.allowNets, ctx);
      console.log(`${view.email}: allow_nets ${JSON.stringify(view.allowNets ?? '')}`);
    }
    if (o.active || o.inactive) {
      const view = await setAdminActive(operatorScope, o.email, Boolean(o.active), ctx);
      console.log(`${view.email}: active ${view.active}`);
    }
    if (o.password !== undefined) {
      await setAdminPassword(operatorScope, o.email, o.password, ctx);
      console.log(`${o.email}: password set; sessions ended; a new password must be chosen at next sign-in`);
    }
  });

admin
  .command('remove')
  .description('remove an admin (never the last active admin of an account); ends their sessions, deletes their API keys')
  .requiredOption('--email <email>', 'admin address')
  .action(async (o) => {
    await removeAdmin(operatorScope, o.email, ctx);
    console.log(`${o.email.trim().toLowerCase()}: admin removed; sessions ended`);
  });

admin
  .command('list')
  .description('list admins')
  .option('--account <name>', 'only this account')
  .option('--json', 'print a JSON array')
  .action(async (o) => {
    const items = await listAdmins(operatorScope, o.account);
    if (o.json) {
      const rows = items.map((a) => ({
        email: a.email,
        account: a.account,
        active: a.active,
        two_factor: a.twoFactor,
        allow_nets: a.allowNets ?? '',
        must_change_password: a.mustChangePassword,
        last_login_at: a.lastLoginAt?.toISOString() ?? null,
        last_login_ip: a.lastLoginIp,
      }));
      console.log(JSON.stringify(rows, null, 2));
      return;
    }
    for (const a of items) console.log(`${a.email}\taccount=${a.account}\tactive=${a.active}\ttwo_factor=${a.twoFactor}\tallow_nets=${a.allowNets ?? ''}`);
  });

program
  .command('backup')
  .description('copy the database consistently while the server runs (SQLite online backup); see README "Backup and restore"')
  .requiredOption('--to <file>', 'the new backup file (never overwritten)')
  .action(async (o) => {
    const result = await backupDatabaseTo(o.to);
    console.log(`backed up ${env().DATABASE_PATH} to ${result.file} (${result.pages} pages, ${result.bytes} bytes, integrity check ok)`);
  });

const audit = program.command('audit').description('the audit log');
audit
  .command('list')
  .description(`print audit rows of every account, newest first, with the admin audit page's sentences (at most ${AUDIT_LIST_MAX_LIMIT})`)
  .option('--mailbox <email>', 'only rows about this mailbox (the exact address)')
  .option('--event <name>', 'only this event, e.g. login_failed')
  .option('--since <iso>', 'only rows at or after this time: 2026-12-01 (midnight UTC) or 2026-12-01T09:30:00Z')
  .option('--limit <n>', `at most this many rows (default ${AUDIT_LIST_DEFAULT_LIMIT}, at most ${AUDIT_LIST_MAX_LIMIT})`)
  .option('--json', 'print a JSON array of {at, event, actor, mailbox, address, protocol, detail, sentence}')
  .action(async (o: Record<string, unknown>) => {
    const options = parseOptions(auditListOptionsSchema, o);
    const write = streamWriter(process.stdout);
    try {
      // Streamed batch by batch: memory stays bounded up to the largest --limit.
      await writeItems(auditListItems(operatorScope, options), options.json ? { json: true } : { json: false, line: (r) => [r.at, r.event, r.sentence] }, write);
    } catch (error) {
      // The reader went away (`| head`): what it wanted has been printed.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    }
  });

audit
  .command('prune')
  .description('delete audit rows older than AUDIT_RETENTION_DAYS (or --days) and expired throttling rows')
  .option('--days <n>', 'retention in days (default: AUDIT_RETENTION_DAYS, 400)')
  .option('--json', 'print the counts as JSON')
  .action(async (o) => {
    const days = o.days === undefined ? env().AUDIT_RETENTION_DAYS : Number(o.days);
    if (!Number.isSafeInteger(days) || days < 1) throw new Error(`--days must be a whole number of at least 1, got "${o.days}"`);
    const counts = await pruneExpiredRecords(days, ctx);
    if (o.json) console.log(JSON.stringify(counts));
    else console.log(`deleted ${counts.auditRows} audit rows older than ${days} days, ${counts.throttleRows} expired throttling rows and ${counts.knownNetworks} expired known networks`);
  });

const jobs = program.command('jobs').description('scheduled work (lib/schedule/registry.ts), for cron and tests');
jobs
  .command('run')
  .description('run every job that is due, once, and exit (safe beside running servers: each job runs on one instance)')
  .option('--json', 'print [{name, status, result}] (status: ran, failed, skipped)')
  .action(async (o: { json?: boolean }) => {
    const outcomes = await runDueJobs({ jobs: JOBS });
    if (o.json) console.log(JSON.stringify(outcomes));
    else for (const r of outcomes) console.log(`${r.name}\t${r.status}\t${r.result}`);
    if (outcomes.some((r) => r.status === 'failed')) process.exitCode = 1;
  });
jobs
  .command('list')
  .description('show every job: how often it runs, where, when it last ran and with what result, when it is due')
  .option('--json', 'print [{name, summary, runs, every_seconds, last_run_at, last_result, next_run_at, running_until}]')
  .action(async (o: { json?: boolean }) => {
    const states = new Map((await jobStates()).map((s) => [s.name, s]));
    const now = Date.now();
    const rows = JOBS.map((job) => {
      const state = job.runs === 'once' ? states.get(job.name) : undefined;
      return {
        name: job.name,
        summary: job.summary,
        runs: job.runs,
        every_seconds: job.everyMs / 1000,
        last_run_at: state?.lastFinishedAt?.toISOString() ?? null,
        last_result: state?.lastResult ?? null,
        next_run_at: state ? state.nextRunAt.toISOString() : null,
        running_until: state && state.holder && state.leaseUntil.getTime() > now ? state.leaseUntil.toISOString() : null,
      };
    });
    if (o.json) {
      console.log(JSON.stringify(rows));
      return;
    }
    for (const r of rows) {
      const where = r.runs === 'once' ? 'once across instances' : 'on each server instance';
      const last = r.runs === 'once' ? (r.last_run_at ? `last ${r.last_run_at} (${r.last_result})` : 'never run') : 'runs in each server';
      const next = r.running_until ? `running until ${r.running_until}` : r.next_run_at ? `due ${r.next_run_at}` : r.runs === 'once' ? 'due now' : '';
      console.log(`${r.name}\tevery ${r.every_seconds} s, ${where}\t${last}\t${next}\n  ${r.summary}`);
    }
  });

program
  .command('demo')
  .description('create the demo data (only into a database without accounts)')
  .option('--url <url>', 'the address the credentials are printed with (default: where npm start listens with this environment)')
  .action(async (o: { url?: string }) => {
    const { HOST, PORT } = env();
    if (await seedDemo()) console.log(demoCredentialsText(o.url ?? listenUrl({ address: HOST, port: PORT })));
    else console.log('the database already has accounts; demo data not created');
  });

// PostgreSQL is migrated before any command uses it (SQLite migrates when the database is first opened).
program.hook('preAction', async (_program, command) => {
  if (command.name() !== 'backup') await prepareDatabaseForCommand();
});

program
  .parseAsync(process.argv)
  // A PostgreSQL pool keeps the process alive until it is ended.
  .then(() => closeDatabase())
  .catch(async (error: unknown) => {
    const message = error instanceof DomainError || error instanceof Error ? error.message : String(error);
    console.error(`error: ${message.split('\n').join(' ')}`);
    await closeDatabase().catch(() => undefined);
    process.exit(1);
  });

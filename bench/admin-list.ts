/*
 * Admin mailbox list with 50,000 mailboxes in one account:
 *   npx tsx --conditions=react-server bench/admin-list.ts           (service function, ~1 minute)
 *   npx tsx --conditions=react-server bench/admin-list.ts --http    (also the /admin/mailboxes page through
 *                                                                    a production server; needs `next build`)
 * Seeds a temporary database (50,000 mailboxes in the measured account, 10,000 in another one), then times
 * listMailboxes() — the function the page calls — for search, filters, sorts and pagination, and with
 * --http the whole page request (render included). Prints a Markdown table (stdout) for docs/admin.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from './support/random';

const MAILBOXES = 50_000;
const OTHER_ACCOUNT_MAILBOXES = 10_000;
const RUNS = 40;
const WARMUP = 5;
const HTTP = process.argv.includes('--http');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-admin-'));
process.env.DATABASE_PATH = path.join(dir, 'bench.db');
process.env.AUTH_SECRET = crypto.randomBytes(32).toString('hex');
process.env.BCRYPT_COST = '4';

// Deterministic, so runs are comparable.
const random = seededRandom(0xad1);
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const WORDS = ['sales', 'ops', 'finance', 'support', 'dev', 'hr', 'legal', 'it', 'marketing', 'office'];

function randomNets(): string {
  const n = int(1, 5);
  const nets: string[] = [];
  for (let i = 0; i < n; i++) nets.push(random() < 0.8 ? `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.0/24` : `2001:db8:${int(0, 0xffff).toString(16)}::/48`);
  return [...new Set(nets)].join(',');
}

async function main() {
  const { getDb } = await import('../db');
  const { accounts, domains } = await import('../db/schema');
  const { listMailboxes } = await import('../lib/mailboxes/service');
  const { accountScope } = await import('../lib/scope');
  const bcrypt = (await import('bcrypt')).default;

  const db = getDb();
  // Seeding goes through the tooling's synchronous connection (db/migrate.ts): 50,000 rows in one transaction.
  const { openDatabase } = await import('../db/migrate');
  const seedDb = openDatabase(process.env.DATABASE_PATH!);
  const sqlite = seedDb.sqlite;
  const hash = bcrypt.hashSync('bench-password-not-used', 4);
  const seedAccount = (name: string, domain: string, count: number) => {
    const account = seedDb.db.insert(accounts).values({ name }).returning({ id: accounts.id }).get();
    const dom = seedDb.db.insert(domains).values({ accountId: account.id, name: domain }).returning({ id: domains.id }).get();
    const insert = sqlite.prepare(
      `INSERT INTO mailboxes (account_id, domain_id, email, password_hash, allow_nets, require_reset_password, active, memo, last_login_at, last_login_ip, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`,
    );
    const now = Date.now();
    sqlite.transaction(() => {
      for (let i = 0; i < count; i++) {
        const word = WORDS[i % WORDS.length]!;
        const email = `${word}.user${String(i).padStart(5, '0')}@${domain}`;
        const loggedIn = random() < 0.8;
        insert.run(
          account.id,
          dom.id,
          email,
          hash,
          random() < 0.3 ? randomNets() : null,
          random() < 0.05 ? 1 : 0,
          random() < 0.02 ? 0 : 1,
          loggedIn ? now - int(0, 90 * 86_400) * 1000 : null,
          loggedIn ? `198.51.100.${int(1, 254)}` : null,
          now - int(0, 365) * 86_400_000,
        );
      }
    })();
    return account.id;
  };
  const t0 = performance.now();
  const accountId = seedAccount('Bench', 'bench.example', MAILBOXES);
  seedAccount('Other', 'other.example', OTHER_ACCOUNT_MAILBOXES);
  sqlite.pragma('optimize');
  console.error(`seeded ${MAILBOXES + OTHER_ACCOUNT_MAILBOXES} mailboxes in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`);

  const scope = accountScope(accountId);
  type Query = Parameters<typeof listMailboxes>[1];
  const scenarios: { name: string; query: Query; url: string }[] = [
    { name: 'first page, by address', query: {}, url: '' },
    { name: 'page 500 (offset 24,950)', query: { page: 500 }, url: 'page=500' },
    { name: 'last page (1,000)', query: { page: 1000 }, url: 'page=1000' },
    { name: 'search "sales" (5,000 hits)', query: { search: 'sales' }, url: 'q=sales' },
    { name: 'search "user4" (10,000 hits), page 100', query: { search: 'user4', page: 100 }, url: 'q=user4&page=100' },
    { name: 'search one address', query: { search: 'ops.user49991' }, url: 'q=ops.user49991' },
    { name: 'search without hits', query: { search: 'nobody-here' }, url: 'q=nobody-here' },
    { name: 'filter restricted', query: { filter: 'restricted' }, url: 'filter=restricted' },
    { name: 'filter reset pending', query: { filter: 'reset_pending' }, url: 'filter=reset_pending' },
    { name: 'filter inactive', query: { filter: 'inactive' }, url: 'filter=inactive' },
    { name: 'sort by last sign-in, newest first', query: { sort: 'last_login_at', order: 'desc' }, url: 'sort=last_login_at&order=desc' },
    { name: 'sort by last change, newest first', query: { sort: 'updated_at', order: 'desc' }, url: 'sort=updated_at&order=desc' },
    { name: 'restricted + search, by last sign-in, page 20', query: { filter: 'restricted', search: 'user', sort: 'last_login_at', order: 'desc', page: 20 }, url: 'filter=restricted&q=user&sort=last_login_at&order=desc&page=20' },
  ];

  const stats = (samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    return { min: sorted[0]!, median: at(0.5), p95: at(0.95) };
  };
  const rows: string[] = [];
  const serviceTimes = new Map<string, { min: number; median: number; p95: number; total: number }>();
  for (const s of scenarios) {
    let total = 0;
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const start = performance.now();
      total = (await listMailboxes(scope, { pageSize: 50, ...s.query })).total;
      if (i >= WARMUP) samples.push(performance.now() - start);
    }
    serviceTimes.set(s.name, { ...stats(samples), total });
    console.error(`service: ${s.name}: ${stats(samples).median.toFixed(2)} ms`);
  }

  // One bulk change over the whole account, the largest an incident could ask for (after the list timings,
  // since it changes the data they read).
  const bulkTimes: string[] = [];
  if (!HTTP) {
    const { applyBulkChange, planBulkChange } = await import('../lib/mailboxes/bulk');
    const ctx = { actor: { kind: 'admin' as const, id: 1, email: 'bench' }, clientIp: '192.0.2.1', protocol: 'web' as const };
    for (const request of [
      { action: 'replace_nets' as const, allowNets: '203.0.113.0/24', target: { kind: 'matching' as const, query: { search: 'sales.user0' } } },
      { action: 'add_nets' as const, allowNets: '192.0.2.0/24', target: { kind: 'matching' as const, query: { filter: 'restricted' as const } } },
      { action: 'force_reset' as const, target: { kind: 'matching' as const, query: {} } },
    ]) {
      let start = performance.now();
      const plan = await planBulkChange(scope, request);
      const planMs = performance.now() - start;
      start = performance.now();
      const result = await applyBulkChange(scope, request, ctx, { expectedCount: plan.count });
      bulkTimes.push(`| ${request.action} on ${plan.count.toLocaleString('en-US')} mailboxes | ${planMs.toFixed(0)} ms | ${(performance.now() - start).toFixed(0)} ms | ${result.changed.toLocaleString('en-US')} |`);
    }
  }

  const httpTimes = new Map<string, { min: number; median: number; p95: number }>();
  if (HTTP) {
    const { encodeSession } = await import('../lib/auth/session');
    const { createWebSession } = await import('../lib/auth/web-session');
    const { admins } = await import('../db/schema');
    const [admin] = (await db.insert(admins).values({ accountId, email: 'bench-admin@bench.example', passwordHash: hash }).returning({ id: admins.id })) as [{ id: number }];
    const sid = await createWebSession({ kind: 'admin', subjectId: admin.id, sessionVersion: 1, clientIp: '127.0.0.1', userAgent: 'bench' });
    const cookie = `next-auth.admin-session-token=${await encodeSession({ kind: 'admin', uid: admin.id, sv: 1, sid })}`;
    const port = crypto.randomInt(20_000, 40_000);
    // Its own process group, so that npx, tsx and the server all end with it.
    const server: ChildProcess = spawn('npx', ['tsx', 'server.ts', '--no-demo'], {
      env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening on') && resolve());
        server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      for (const s of scenarios) {
        const samples: number[] = [];
        for (let i = 0; i < WARMUP + RUNS; i++) {
          const start = performance.now();
          const response = await fetch(`http://127.0.0.1:${port}/admin/mailboxes${s.url ? `?${s.url}` : ''}`, { headers: { cookie }, redirect: 'manual' });
          const body = await response.text();
          if (response.status !== 200 || !body.includes('data-testid="mailbox-table"')) throw new Error(`unexpected answer ${response.status} for ${s.url}`);
          if (i >= WARMUP) samples.push(performance.now() - start);
        }
        httpTimes.set(s.name, stats(samples));
        console.error(`http: ${s.name}: ${stats(samples).median.toFixed(1)} ms`);
      }
    } finally {
      process.kill(-server.pid!, 'SIGTERM');
    }
  }

  const header = HTTP
    ? '| scenario | matches | listMailboxes min | median | p95 | whole page (HTTP) min | median | p95 |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
    : '| scenario | matches | listMailboxes min | median | p95 |\n| --- | ---: | ---: | ---: | ---: |';
  for (const s of scenarios) {
    const sv = serviceTimes.get(s.name)!;
    const cells = [s.name, sv.total.toLocaleString('en-US'), `${sv.min.toFixed(2)} ms`, `${sv.median.toFixed(2)} ms`, `${sv.p95.toFixed(2)} ms`];
    const h = httpTimes.get(s.name);
    if (h) cells.push(`${h.min.toFixed(1)} ms`, `${h.median.toFixed(1)} ms`, `${h.p95.toFixed(1)} ms`);
    rows.push(`| ${cells.join(' | ')} |`);
  }
  console.log(`${header}\n${rows.join('\n')}`);
  if (bulkTimes.length) console.log(`\n| bulk change | confirmation (count) | apply (one transaction) | changed |\n| --- | ---: | ---: | ---: |\n${bulkTimes.join('\n')}`);
  // Other work on the machine shows up in the medians; the load average says how much there was.
  console.log(`\n${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

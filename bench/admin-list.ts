/*
 * Admin mailbox list with 50,000 mailboxes in one account:
 *   npx tsx --conditions=react-server bench/admin-list.ts           (service function, ~1 minute)
 *   npx tsx --conditions=react-server bench/admin-list.ts --http    (also the /admin/mailboxes page through
 *                                                                    a production server; needs `next build`)
 * Seeds a fresh database (50,000 mailboxes in the measured account, 10,000 in another one) through the app's
 * data layer (bench/support/seed.ts), then times listMailboxes() — the function the page calls — for search,
 * filters, sorts and pagination, and with --http the whole page request (render included). Prints a Markdown
 * table (stdout) for docs/admin.md.
 *
 * BENCH_ENGINE=sqlite (default) | pg | both (bench/support/engine.ts; BENCH_PG_URL or a throwaway cluster).
 * With both, each engine gets its own fresh database and (with --http) its own server, and every page
 * request is made on both servers back to back (SQLite, then PostgreSQL), so that both see the same machine
 * load; the table gives the ratio PostgreSQL / SQLite per scenario (issue 14: ≤ 2×). BENCH_PORT (7220): the
 * first server's port, the next ones follow.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { analyze, benchEngines, freshDatabase, loadAverage, runJson, runScript, type BenchDatabase, type EngineKind } from './support/engine';
import { spawnServer } from './support/server';

const MAILBOXES = 50_000;
const OTHER_ACCOUNT_MAILBOXES = 10_000;
const RUNS = Number(process.env.RUNS ?? 40);
const WARMUP = 5;
const HTTP = process.argv.includes('--http');
const PORT = Number(process.env.BENCH_PORT ?? 7220);

type Stats = { min: number; median: number; p95: number };
const stats = (samples: number[]): Stats => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { min: sorted[0]!, median: at(0.5), p95: at(0.95) };
};

const scenarios: { name: string; query: Record<string, unknown>; url: string }[] = [
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

interface ChildResult {
  accountId: number;
  cookie?: string;
  seedSeconds: number;
  service: Record<string, Stats & { total: number }>;
  bulk: string[];
}

/** In its own process, on the engine the environment selects: seed, time the service, (without --http) bulk. */
async function child(): Promise<ChildResult> {
  const { listMailboxes } = await import('../lib/mailboxes/service');
  const { issueAccountScope } = await import('../lib/session/account-scope');
  const { migrate, seedAdminList } = await import('./support/seed');
  await migrate();
  const t0 = performance.now();
  const { accountId, cookie } = await seedAdminList({ count: MAILBOXES, otherCount: OTHER_ACCOUNT_MAILBOXES, admin: HTTP });
  analyze();
  const seedSeconds = (performance.now() - t0) / 1000;
  console.error(`seeded ${MAILBOXES + OTHER_ACCOUNT_MAILBOXES} mailboxes in ${seedSeconds.toFixed(1)} s (${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'})`);

  const scope = issueAccountScope(accountId);
  const service: ChildResult['service'] = {};
  for (const s of scenarios) {
    let total = 0;
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const start = performance.now();
      total = (await listMailboxes(scope, { pageSize: 50, ...s.query })).total;
      if (i >= WARMUP) samples.push(performance.now() - start);
    }
    service[s.name] = { ...stats(samples), total };
    console.error(`service: ${s.name}: ${stats(samples).median.toFixed(2)} ms`);
  }

  // One bulk change over the whole account, the largest an incident could ask for (after the list timings,
  // since it changes the data they read; not with --http, whose pages read the same data afterwards).
  const bulk: string[] = [];
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
      bulk.push(`| ${request.action} on ${plan.count.toLocaleString('en-US')} mailboxes | ${planMs.toFixed(0)} ms | ${(performance.now() - start).toFixed(0)} ms | ${result.changed.toLocaleString('en-US')} |`);
    }
  }
  return { accountId, cookie, seedSeconds, service, bulk };
}

const ENGINE_NAME: Record<EngineKind, string> = { sqlite: 'SQLite', pg: 'PostgreSQL' };

async function main() {
  const engines = benchEngines();
  const secret = crypto.randomBytes(32).toString('hex');
  const databases: BenchDatabase[] = [];
  const results: ChildResult[] = [];
  const servers: { stop(): Promise<void>; url: string }[] = [];
  try {
    for (const kind of engines) {
      const database = freshDatabase(kind);
      databases.push(database);
      results.push(await runJson<ChildResult>('bench/admin-list.ts', ['--child', ...(HTTP ? ['--http'] : [])], { ...database.env, AUTH_SECRET: secret, BCRYPT_COST: '4' }));
    }
    const http = new Map<string, Stats[]>();
    if (HTTP) {
      for (const [i, database] of databases.entries()) servers.push(await spawnServer({ port: PORT + i, env: { ...database.env, AUTH_SECRET: secret, BCRYPT_COST: '4' } }));
      for (const s of scenarios) {
        const samples = servers.map(() => [] as number[]);
        for (let i = 0; i < WARMUP + RUNS; i++) {
          // Both engines back to back in every round: the same machine load for both.
          for (const [e, server] of servers.entries()) {
            const start = performance.now();
            const response = await fetch(`${server.url}/admin/mailboxes${s.url ? `?${s.url}` : ''}`, { headers: { cookie: results[e]!.cookie! }, redirect: 'manual' });
            const body = await response.text();
            if (response.status !== 200 || !body.includes('data-testid="mailbox-table"')) throw new Error(`unexpected answer ${response.status} for ${s.url} (${engines[e]})`);
            if (i >= WARMUP) samples[e]!.push(performance.now() - start);
          }
        }
        http.set(s.name, samples.map(stats));
        console.error(`http: ${s.name}: ${samples.map((x, e) => `${engines[e]} ${stats(x).median.toFixed(1)} ms`).join(', ')}`);
      }
    }

    console.log(`admin mailbox list, ${MAILBOXES.toLocaleString('en-US')} mailboxes (+ ${OTHER_ACCOUNT_MAILBOXES.toLocaleString('en-US')} in another account), ${RUNS} runs after ${WARMUP} warm-up\n`);
    const cols = ['scenario', 'matches'];
    for (const kind of engines) cols.push(`${ENGINE_NAME[kind]} listMailboxes median (min / p95)`);
    if (HTTP) for (const kind of engines) cols.push(`${ENGINE_NAME[kind]} whole page median (min / p95)`);
    const both = engines.length === 2;
    if (both) cols.push('listMailboxes PG / SQLite');
    if (both && HTTP) cols.push('page PG / SQLite');
    console.log(`| ${cols.join(' | ')} |\n| --- |${' ---: |'.repeat(cols.length - 1)}`);
    const pageRatios: number[] = [];
    for (const s of scenarios) {
      const sv = results.map((r) => r.service[s.name]!);
      const cells = [s.name, sv[0]!.total.toLocaleString('en-US')];
      for (const v of sv) cells.push(`${v.median.toFixed(2)} ms (${v.min.toFixed(2)} / ${v.p95.toFixed(2)})`);
      const h = http.get(s.name);
      if (h) for (const v of h) cells.push(`${v.median.toFixed(1)} ms (${v.min.toFixed(1)} / ${v.p95.toFixed(1)})`);
      if (both) cells.push(`${(sv[1]!.median / sv[0]!.median).toFixed(2)}×`);
      if (both && h) {
        pageRatios.push(h[1]!.median / h[0]!.median);
        cells.push(`**${(h[1]!.median / h[0]!.median).toFixed(2)}×**`);
      }
      if (sv.some((v) => v.total !== sv[0]!.total)) throw new Error(`${s.name}: the engines disagree on the number of matches`);
      rows.push(`| ${cells.join(' | ')} |`);
    }
    console.log(rows.join('\n'));
    if (pageRatios.length) console.log(`\nwhole page PostgreSQL / SQLite: max ${Math.max(...pageRatios).toFixed(2)}×, median ${[...pageRatios].sort((a, b) => a - b)[Math.floor(pageRatios.length / 2)]!.toFixed(2)}× (issue 14: ≤ 2×)`);
    for (const [e, r] of results.entries()) {
      console.log(`\n${ENGINE_NAME[engines[e]!]}: seeded in ${r.seedSeconds.toFixed(1)} s`);
      if (r.bulk.length) console.log(`\n| bulk change (${ENGINE_NAME[engines[e]!]}) | confirmation (count) | apply (one transaction) | changed |\n| --- | ---: | ---: | ---: |\n${r.bulk.join('\n')}`);
    }
    // Other work on the machine shows up in the medians; the load average says how much there was.
    console.log(`\n${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}, load average ${loadAverage()}`);
  } finally {
    for (const server of servers) await server.stop();
    for (const database of databases) database.drop();
  }
}

const rows: string[] = [];
if (process.argv.includes('--child')) runScript(child, true);
else runScript(main);

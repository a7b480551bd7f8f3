/*
 * The audit trail at provider scale (spec §19, issue 21): `npx tsx bench/audit-scale.ts` (no build needed).
 *
 * Per engine (BENCH_ENGINE=sqlite|pg|both, bench/support/engine.ts), in a child process on a fresh database:
 *   1. the audit page filtered by one mailbox (queryAuditLog, first page of 100 with its count) on a table of
 *      10,000 rows, then on BENCH_ROWS (5,000,000) rows: median of BENCH_RUNS each, and the ratio (target ≤ 2);
 *   2. the CSV export of the whole account (auditLogCsv, the generator the download streams) read to the end:
 *      the process's RSS before and its highest value during (target: growth ≤ 100 MB);
 *   3. `audit prune` of 1,000,000 expired rows (pruneAudit, as the CLI runs it) while 20 clients sign in
 *      (verifyMailboxSignIn with a proven password, as a warm auth_http login): their p99 during the prune
 *      against their p99 idle, measured just before (target ≤ 2).
 * The table is built with bulk INSERT … SELECT (seconds per million rows), not the API: 1,000 mailboxes of one
 * account, the one under test holding every 1,000th row; 1,000,000 of the rows are older than the retention.
 * Environment: BENCH_ROWS (5000000), BENCH_RUNS (15), BENCH_PRUNE_ROWS (1000000), BENCH_CLIENTS (20).
 */
import { sql, type SQL } from 'drizzle-orm';
import { benchEngines, freshDatabase, loadAverage, runJson, runScript } from './support/engine';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PRUNE_ROWS = Number(process.env.BENCH_PRUNE_ROWS ?? 1_000_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const SMALL = 10_000;
const RETENTION_DAYS = 400;

interface EngineResult {
  engine: string;
  smallMs: number;
  bigMs: number;
  csvRows: number;
  csvSeconds: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  idleP99Ms: number;
  pruneP99Ms: number;
  pruned: number;
  pruneSeconds: number;
  signInsDuringPrune: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

async function worker(): Promise<EngineResult> {
  const { engineKind, getDb } = await import('@/db');
  const { createAccount } = await import('@/lib/accounts/service');
  const { createMailbox } = await import('@/lib/mailboxes/service');
  const { operatorScope } = await import('@/lib/scope');
  const { issueAccountScope: accountScope } = await import('@/lib/session/account-scope');
  const { auditLogCsv, auditLogFilterSchema, queryAuditLog } = await import('@/lib/audit-log');
  const { pruneAudit } = await import('@/lib/audit');
  const { verifyMailboxSignIn } = await import('@/lib/session/sign-in');
  const ctx = { actor: { kind: 'cli' as const } };
  const raw = getDb() as unknown as { execute?(q: SQL): Promise<unknown>; run?(q: SQL): Promise<unknown> };
  const exec = (q: SQL) => (engineKind() === 'postgres' ? raw.execute!(q) : raw.run!(q));

  const { accountId } = await createAccount({ name: 'Scale', domain: 'scale.test', adminEmail: 'admin@scale.test', adminPassword: 'Granite-Quasar-Willow-81' }, ctx);
  const target = await createMailbox(operatorScope, { email: 'target@scale.test', password: 'Bench-Password-Correct-Horse-17', allowNets: null }, ctx);
  const clients = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(await createMailbox(operatorScope, { email: `client${i}@scale.test`, password: 'Bench-Password-Correct-Horse-17', allowNets: null }, ctx));
  const scope = accountScope(accountId);
  const now = Date.now();

  /** Rows `from`..`to` (1-based): every 1,000th the target's; the first PRUNE_ROWS older than the retention. */
  async function fill(from: number, to: number): Promise<void> {
    const expiredBefore = now - (RETENTION_DAYS + 10) * 86_400_000;
    const select = (i: SQL) => sql`SELECT CASE WHEN ${i} <= ${PRUNE_ROWS} THEN CAST(${expiredBefore} AS BIGINT) - ${i} ELSE CAST(${now} AS BIGINT) - ${i} * 10 END,
        ${accountId}, 'mailbox', CASE WHEN ${i} % 1000 = 0 THEN ${target.id} ELSE 1000000 + ${i} % 1000 END,
        CASE WHEN ${i} % 1000 = 0 THEN 'target@scale.test' ELSE 'm' || (${i} % 1000) || '@scale.test' END,
        CASE WHEN ${i} % 3 = 0 THEN 'login_failed' ELSE 'login_succeeded' END, '192.0.2.' || (${i} % 250), 'imap', 1`;
    const columns = sql`(at, account_id, actor_kind, mailbox_id, mailbox_email, event, client_ip, protocol, count)`;
    // In slices, so neither engine holds one enormous statement.
    for (let start = from; start <= to; start += 500_000) {
      const end = Math.min(to, start + 499_999);
      if (engineKind() === 'postgres') await exec(sql`INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM generate_series(${start}::int, ${end}::int) AS i`);
      else await exec(sql`WITH RECURSIVE s(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM s WHERE i < ${end}) INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM s`);
    }
    await exec(sql`ANALYZE`);
  }

  const filter = auditLogFilterSchema.parse({ mailbox: 'target@scale.test' });
  async function pageMedian(): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const started = performance.now();
      const page = await queryAuditLog(scope, filter, 1, 100);
      if (page.items.length === 0) throw new Error('the page is empty');
      if (i >= 2) times.push(performance.now() - started);
    }
    return median(times);
  }

  // The small table: rows PRUNE_ROWS+1 .. PRUNE_ROWS+SMALL (recent, none expired).
  await fill(PRUNE_ROWS + 1, PRUNE_ROWS + SMALL);
  const smallMs = await pageMedian();
  process.stderr.write(`bench: ${engineKind()}: ${SMALL} rows, page ${smallMs.toFixed(2)} ms; filling to ${ROWS}\n`);
  await fill(1, PRUNE_ROWS);
  await fill(PRUNE_ROWS + SMALL + 1, ROWS);
  const bigMs = await pageMedian();
  process.stderr.write(`bench: ${engineKind()}: ${ROWS} rows, page ${bigMs.toFixed(2)} ms; CSV export\n`);

  // The CSV of the whole account, read to the end as the download does, sampling RSS.
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  let csvRows = 0;
  const csvStarted = performance.now();
  for await (const chunk of auditLogCsv(scope, auditLogFilterSchema.parse({}))) {
    csvRows += chunk.split('\r\n').length - 1;
    if (csvRows % 50_000 < 1_000) rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const csvSeconds = (performance.now() - csvStarted) / 1000;
  process.stderr.write(`bench: ${engineKind()}: CSV ${csvRows} lines in ${csvSeconds.toFixed(1)} s; sign-ins idle, then during the prune\n`);

  // 20 clients signing in (a proven password: one read, counted in memory, as a warm auth_http login).
  let running = true;
  const latencies: number[] = [];
  const signIn = async (email: string) => {
    const started = performance.now();
    const result = await verifyMailboxSignIn({
      email,
      password: 'Bench-Password-Correct-Horse-17',
      context: { actor: { kind: 'mailbox', email }, clientIp: '198.51.100.7', protocol: 'imap' },
      allowPendingReset: false,
      proven: () => true,
    });
    if (!result.ok) throw new Error(`sign-in refused: ${JSON.stringify(result)}`);
    latencies.push(performance.now() - started);
  };
  const loop = async (email: string) => {
    while (running) {
      await signIn(email);
      // A warm sign-in can settle without I/O on SQLite: give timers (and the prune's batches) their turn,
      // as a server's next request would arrive in a later turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  for (const c of clients) await signIn(c.email);
  latencies.length = 0;
  running = true;
  let loops = clients.map((c) => loop(c.email));
  await new Promise((r) => setTimeout(r, 5_000));
  running = false;
  await Promise.all(loops);
  const idleP99Ms = p99(latencies);
  latencies.length = 0;
  running = true;
  loops = clients.map((c) => loop(c.email));
  const pruneStarted = performance.now();
  const pruned = await pruneAudit(RETENTION_DAYS, now);
  const pruneSeconds = (performance.now() - pruneStarted) / 1000;
  running = false;
  await Promise.all(loops);
  return {
    engine: engineKind(),
    smallMs,
    bigMs,
    csvRows,
    csvSeconds,
    rssBeforeMb: mb(rssBefore),
    rssPeakMb: mb(rssPeak),
    idleP99Ms,
    pruneP99Ms: p99(latencies),
    pruned,
    pruneSeconds,
    signInsDuringPrune: latencies.length,
  };
}

async function main(): Promise<void> {
  const rows: EngineResult[] = [];
  for (const kind of benchEngines()) {
    const database = freshDatabase(kind);
    try {
      rows.push(await runJson<EngineResult>('bench/audit-scale.ts', ['worker'], { ...database.env, AUDIT_RETENTION_DAYS: '36500', LOG_LEVEL: 'silent', BCRYPT_COST: '4' }));
    } finally {
      database.drop();
    }
  }
  console.log(`audit trail at ${ROWS.toLocaleString('en')} rows; ${new Date().toISOString()}, load average at the end ${loadAverage()}\n`);
  console.log('| engine | page by mailbox, 10,000 rows (ms) | at full size (ms) | ratio (≤ 2) | CSV lines | CSV s | RSS before → peak (MB) | growth (≤ 100 MB) | sign-in p99 idle (ms) | during prune (ms) | ratio (≤ 2) | pruned | prune s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.engine} | ${r.smallMs.toFixed(2)} | ${r.bigMs.toFixed(2)} | **${(r.bigMs / r.smallMs).toFixed(2)}** | ${r.csvRows} | ${r.csvSeconds.toFixed(1)} | ${r.rssBeforeMb} → ${r.rssPeakMb} | **${(r.rssPeakMb - r.rssBeforeMb).toFixed(1)}** | ${r.idleP99Ms.toFixed(2)} | ${r.pruneP99Ms.toFixed(2)} | **${(r.pruneP99Ms / r.idleP99Ms).toFixed(2)}** | ${r.pruned} | ${r.pruneSeconds.toFixed(1)} |`,
    );
  }
}

if (process.argv[2] === 'worker') runScript(worker, true);
else runScript(main);

/*
 * The audit trail at provider scale (spec §19, issue 21): `npx tsx bench/audit-scale.ts` (no build needed).
 *
 * Per engine (BENCH_ENGINE=sqlite|pg|both, bench/support/engine.ts), in a child process on a fresh database:
 *   1. the audit page filtered by one mailbox (queryAuditLog, first page of 100; no count) on a table of
 *      10,000 rows, then on BENCH_ROWS (5,000,000) rows: median of BENCH_RUNS each, and the ratio (target ≤ 2);
 *   2. the CSV export of the whole account (auditLogCsv, the generator the download streams) read to the end:
 *      the process's RSS before and its highest value during (target: growth ≤ 100 MB);
 *   3. `audit prune` of 1,000,000 expired rows (pruneAudit in a process of its own, as the CLI runs it) while
 *      20 clients sign in in this process (verifyMailboxSignIn with a proven password, as a warm auth_http
 *      login): their p99 during the prune against their p99 idle, measured just before (target ≤ 2); before
 *      it, the hourly job's case, BENCH_JOB_PRUNE_ROWS (100,000) older rows pruned in this process.
 * The table is built with bulk INSERT … SELECT (seconds per million rows), not the API: 1,000 mailboxes of one
 * account, the one under test holding every 50th row (200 rows at 10,000, so both pages are full: the
 * ratio is the table's size, not a page of 10 rows against one of 100), a "sparse" one every 1,000th (10 rows
 * at 10,000, reported beside it); 1,000,000 of the rows are older than the retention.
 * Environment: BENCH_ROWS (5000000), BENCH_RUNS (15), BENCH_PRUNE_ROWS (1000000), BENCH_CLIENTS (20);
 * BENCH_EXPLAIN=1 prints the page's query plans at full size; BENCH_ONLY=page measures the page alone;
 * BENCH_INTERLEAVE=rounds measures the page alone on two tables in turns (see interleave()); on PostgreSQL
 * freshly vacuumed, then again with the visibility map's all-visible bits cleared by an UPDATE.
 */
import { sql, type SQL } from 'drizzle-orm';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { benchEngines, freshDatabase, loadAverage, mergeEnv, runJson, runScript, type BenchDatabase } from './support/engine';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PRUNE_ROWS = Number(process.env.BENCH_PRUNE_ROWS ?? 1_000_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const JOB_PRUNE_ROWS = Number(process.env.BENCH_JOB_PRUNE_ROWS ?? 100_000);
// Expired rows: PRUNE_ROWS for the CLI's prune, and JOB_PRUNE_ROWS older ones for the in-process job's before it.
const EXPIRED = PRUNE_ROWS + JOB_PRUNE_ROWS;
const SMALL = 10_000;
const RETENTION_DAYS = 400;

interface EngineResult {
  engine: string;
  smallMs: number;
  bigMs: number;
  sparseSmallMs: number;
  sparseBigMs: number;
  csvRows: number;
  csvSeconds: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  idleP99Ms: number;
  pruneP99Ms: number;
  pruned: number;
  pruneSeconds: number;
  signInsDuringPrune: number;
  jobIdleP99Ms: number;
  jobP99Ms: number;
  jobPruned: number;
  jobSeconds: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

async function worker(): Promise<EngineResult> {
  // A fresh PostgreSQL database is empty: migrate as server.ts does before serving (SQLite's opening does it).
  await (await import('./support/seed')).migrate();
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
  const sparse = await createMailbox(operatorScope, { email: 'sparse@scale.test', password: 'Bench-Password-Correct-Horse-17', allowNets: null }, ctx);
  const clients: { email: string }[] = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(await createMailbox(operatorScope, { email: `client${i}@scale.test`, password: 'Bench-Password-Correct-Horse-17', allowNets: null }, ctx));
  const scope = accountScope(accountId);
  const now = Date.now();

  /** Rows `from`..`to` (1-based): every 1,000th the sparse mailbox's, every other 50th the target's; the first PRUNE_ROWS older than the retention. */
  async function fill(from: number, to: number): Promise<void> {
    const expiredBefore = now - (RETENTION_DAYS + 10) * 86_400_000;
    const select = (i: SQL) => sql`SELECT CASE WHEN ${i} <= ${EXPIRED} THEN CAST(${expiredBefore} AS BIGINT) - ${i} ELSE CAST(${now} AS BIGINT) - ${i} * 10 END,
        ${accountId}, 'mailbox', CASE WHEN ${i} % 1000 = 0 THEN ${sparse.id} WHEN ${i} % 50 = 0 THEN ${target.id} ELSE 1000000 + ${i} % 1000 END,
        CASE WHEN ${i} % 1000 = 0 THEN 'sparse@scale.test' WHEN ${i} % 50 = 0 THEN 'target@scale.test' ELSE 'm' || (${i} % 1000) || '@scale.test' END,
        CASE WHEN ${i} % 3 = 0 THEN 'login_failed' ELSE 'login_succeeded' END, '192.0.2.' || (${i} % 250), 'imap', 1`;
    const columns = sql`(at, account_id, actor_kind, mailbox_id, mailbox_email, event, client_ip, protocol, count)`;
    // In slices, so neither engine holds one enormous statement.
    for (let start = from; start <= to; start += 500_000) {
      const end = Math.min(to, start + 499_999);
      if (engineKind() === 'postgres') await exec(sql`INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM generate_series(${start}::int, ${end}::int) AS i`);
      else await exec(sql`WITH RECURSIVE s(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM s WHERE i < ${end}) INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM s`);
    }
    // On PostgreSQL, what autovacuum does after a bulk insert (and may otherwise be doing during the
    // measurement): statistics, and the visibility map that lets the count read the index alone.
    if (engineKind() === 'postgres') await exec(sql`VACUUM (ANALYZE) audit_events`);
    else await exec(sql`ANALYZE`);
  }

  async function pageMedian(mailbox = 'target@scale.test'): Promise<number> {
    const filter = auditLogFilterSchema.parse({ mailbox });
    const times: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const started = performance.now();
      const page = await queryAuditLog(scope, filter, {}, 100);
      if (mailbox === 'target@scale.test' ? page.items.length !== 100 : page.items.length === 0) throw new Error(`the page has ${page.items.length} rows`);
      if (i >= 2) times.push(performance.now() - started);
    }
    return median(times);
  }

  // The small table: rows EXPIRED+1 .. EXPIRED+SMALL (recent, none expired).
  await fill(EXPIRED + 1, EXPIRED + SMALL);
  const smallMs = await pageMedian();
  const sparseSmallMs = await pageMedian('sparse@scale.test');
  process.stderr.write(`bench: ${engineKind()}: ${SMALL} rows, page ${smallMs.toFixed(2)} ms (sparse ${sparseSmallMs.toFixed(2)} ms); filling to ${ROWS}\n`);
  await fill(1, EXPIRED);
  await fill(EXPIRED + SMALL + 1, ROWS);
  const bigMs = await pageMedian();
  const sparseBigMs = await pageMedian('sparse@scale.test');
  if (process.env.BENCH_EXPLAIN) {
    // The page's statements' plans at full size (BENCH_EXPLAIN=1), to see which index each reads.
    const explain = engineKind() === 'postgres' ? sql`EXPLAIN (ANALYZE, BUFFERS)` : sql`EXPLAIN QUERY PLAN`;
    const byMailbox = sql`mailbox_email = 'target@scale.test' AND account_id = ${accountId}`;
    for (const q of [
      sql`SELECT * FROM audit_events WHERE ${byMailbox} ORDER BY at DESC, id DESC LIMIT 101`,
      sql`SELECT count(*) FROM (SELECT 1 FROM audit_events WHERE ${byMailbox} LIMIT 1001) AS matching`,
    ]) {
      const out = engineKind() === 'postgres' ? ((await raw.execute!(sql`${explain} ${q}`)) as { rows: unknown[] }).rows : await (getDb() as unknown as { all(q: SQL): Promise<unknown[]> }).all(sql`${explain} ${q}`);
      process.stderr.write(`${out.map((r) => Object.values(r as object).join(' ')).join('\n')}\n\n`);
    }
  }
  process.stderr.write(`bench: ${engineKind()}: ${ROWS} rows, page ${bigMs.toFixed(2)} ms (sparse ${sparseBigMs.toFixed(2)} ms); CSV export\n`);
  /** The page's statements one by one (as SQL text, the target's filter), to see which one grows. */
  async function partsMedian(): Promise<Record<string, number>> {
    const byMailbox = sql`mailbox_email = 'target@scale.test' AND account_id = ${accountId}`;
    const statements: Record<string, SQL> = {
      rows: sql`SELECT * FROM audit_events WHERE ${byMailbox} ORDER BY at DESC, id DESC LIMIT 101`,
      rowsByTimeOnly: sql`SELECT * FROM audit_events WHERE ${byMailbox} ORDER BY at DESC LIMIT 101`,
      ids: sql`SELECT id FROM audit_events WHERE ${byMailbox} ORDER BY at DESC, id DESC LIMIT 101`,
      count: sql`SELECT count(*) FROM (SELECT 1 FROM audit_events WHERE ${byMailbox} LIMIT 1001) AS matching`,
    };
    const out: Record<string, number> = {};
    for (const [name, q] of Object.entries(statements)) {
      const times: number[] = [];
      for (let i = 0; i < RUNS + 2; i++) {
        const started = performance.now();
        await exec(q);
        if (i >= 2) times.push(performance.now() - started);
      }
      out[name] = median(times);
    }
    return out;
  }
  if (process.env.BENCH_SERVE_PAGES) {
    // Interleaved mode (BENCH_INTERLEAVE): measure a round of pages whenever the parent asks, so that the
    // small and the big table are measured in turns under the same load.
    process.stdout.write('ready\n');
    for await (const line of createInterface({ input: process.stdin })) {
      if (line === 'dirty') {
        // PostgreSQL between two VACUUMs: an UPDATE (of nothing) of one row in 50 spread over the whole table
        // clears the visibility map's all-visible bit of (nearly) every heap page, under autovacuum's
        // threshold (20% of the rows), as a live trail's recent inserts and aggregated rows' updates do.
        if (engineKind() === 'postgres') {
          // The capped count's heap fetches before and after: what the page no longer runs, shown to be affected.
          const heapFetches = async () => {
            const q = sql`EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM (SELECT 1 FROM audit_events WHERE mailbox_email = 'target@scale.test' AND account_id = ${accountId} LIMIT 1001) AS matching`;
            const plan = ((await raw.execute!(q)) as { rows: Record<string, string>[] }).rows.map((r) => Object.values(r).join(' '));
            // The whole statement's buffers (the first line of them) and the index-only scan's heap fetches.
            return [plan.find((l) => /Buffers/.test(l)), plan.find((l) => /Heap Fetches/.test(l))].filter(Boolean).map((l) => l!.trim()).join('; ');
          };
          const before = await heapFetches();
          await exec(sql`UPDATE audit_events SET count = count WHERE id % 50 = 1`);
          process.stderr.write(`bench: postgres: the capped count before the UPDATE: ${before}; after: ${await heapFetches()}\n`);
        }
        process.stdout.write('dirty\n');
        continue;
      }
      if (line !== 'measure') break;
      process.stdout.write(`${JSON.stringify({ target: await pageMedian(), sparse: await pageMedian('sparse@scale.test'), parts: await partsMedian() })}\n`);
    }
    process.exit(0);
  }
  if (process.env.BENCH_ONLY === 'page') {
    return { engine: engineKind(), smallMs, bigMs, sparseSmallMs, sparseBigMs, csvRows: 0, csvSeconds: 0, rssBeforeMb: 0, rssPeakMb: 0, idleP99Ms: 0, pruneP99Ms: 0, pruned: 0, pruneSeconds: 0, signInsDuringPrune: 0, jobIdleP99Ms: 0, jobP99Ms: 0, jobPruned: 0, jobSeconds: 0 };
  }

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
  let running = false;
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
  /** The clients' sign-in p99 while `work` runs, and how many sign-ins they did. */
  async function whileSigningIn<T>(work: () => Promise<T>): Promise<{ p99Ms: number; signIns: number; result: T; seconds: number }> {
    latencies.length = 0;
    running = true;
    const loops = clients.map((c) => loop(c.email));
    const started = performance.now();
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    running = false;
    await Promise.all(loops);
    return { p99Ms: p99(latencies), signIns: latencies.length, result, seconds };
  }
  const idle = () => whileSigningIn(() => new Promise<void>((r) => setTimeout(r, 5_000)));

  // The hourly retention job (lib/schedule/registry.ts) prunes in the server's process: the oldest
  // JOB_PRUNE_ROWS rows (its "now" puts the cut-off between the two groups of expired rows).
  const jobIdle = await idle();
  const jobNow = now - 10 * 86_400_000 - PRUNE_ROWS;
  const job = await whileSigningIn(() => pruneAudit(RETENTION_DAYS, jobNow));
  process.stderr.write(`bench: ${engineKind()}: in-process prune of ${job.result} rows in ${job.seconds.toFixed(1)} s: p99 ${jobIdle.p99Ms.toFixed(2)} → ${job.p99Ms.toFixed(2)} ms\n`);

  // `audit prune` (the CLI) runs in a process of its own: the remaining PRUNE_ROWS expired rows.
  const cliIdle = await idle();
  const cli = await whileSigningIn(() => runJson<{ pruned: number }>('bench/audit-scale.ts', ['prune', String(now)], {}));
  const pruned = cli.result.pruned;
  const pruneSeconds = cli.seconds;
  const idleP99Ms = cliIdle.p99Ms;
  process.stderr.write(`bench: ${engineKind()}: audit prune (own process) of ${pruned} rows in ${pruneSeconds.toFixed(1)} s: p99 ${idleP99Ms.toFixed(2)} → ${cli.p99Ms.toFixed(2)} ms\n`);
  return {
    engine: engineKind(),
    smallMs,
    bigMs,
    sparseSmallMs,
    sparseBigMs,
    csvRows,
    csvSeconds,
    rssBeforeMb: mb(rssBefore),
    rssPeakMb: mb(rssPeak),
    idleP99Ms,
    pruneP99Ms: cli.p99Ms,
    pruned,
    pruneSeconds,
    signInsDuringPrune: cli.signIns,
    jobIdleP99Ms: jobIdle.p99Ms,
    jobP99Ms: job.p99Ms,
    jobPruned: job.result,
    jobSeconds: job.seconds,
  };
}

const tableRow = (r: EngineResult) =>
  `| ${r.engine} | ${r.smallMs.toFixed(2)} | ${r.bigMs.toFixed(2)} | **${(r.bigMs / r.smallMs).toFixed(2)}** | ${r.sparseSmallMs.toFixed(2)} → ${r.sparseBigMs.toFixed(2)} (${(r.sparseBigMs / r.sparseSmallMs).toFixed(2)}×) | ${r.csvRows} | ${r.csvSeconds.toFixed(1)} | ${r.rssBeforeMb} → ${r.rssPeakMb} | **${(r.rssPeakMb - r.rssBeforeMb).toFixed(1)}** | ${r.idleP99Ms.toFixed(2)} | ${r.pruneP99Ms.toFixed(2)} | **${(r.pruneP99Ms / r.idleP99Ms).toFixed(2)}** | ${r.pruned} | ${r.pruneSeconds.toFixed(1)} | ${r.jobPruned}: ${r.jobIdleP99Ms.toFixed(2)} → ${r.jobP99Ms.toFixed(2)} (${(r.jobP99Ms / r.jobIdleP99Ms).toFixed(2)}×) in ${r.jobSeconds.toFixed(1)} s |`;

async function main(): Promise<void> {
  const rows: EngineResult[] = [];
  for (const kind of benchEngines()) {
    const database = freshDatabase(kind);
    try {
      const r = await runJson<EngineResult>('bench/audit-scale.ts', ['worker'], { ...database.env, AUDIT_RETENTION_DAYS: '36500', LOG_LEVEL: 'silent', BCRYPT_COST: '4' });
      rows.push(r);
      // Each engine's row as soon as it is measured: a run at 5,000,000 rows takes a while.
      process.stderr.write(`bench: ${tableRow(r)} (load ${loadAverage()})\n`);
    } finally {
      database.drop();
    }
  }
  console.log(`audit trail at ${ROWS.toLocaleString('en')} rows; ${new Date().toISOString()}, load average at the end ${loadAverage()}\n`);
  console.log('| engine | page by mailbox, 10,000 rows (ms) | at full size (ms) | ratio (≤ 2) | sparse mailbox (ms, ratio) | CSV lines | CSV s | RSS before → peak (MB) | growth (≤ 100 MB) | sign-in p99 idle (ms) | during prune (ms) | ratio (≤ 2) | pruned | prune s | in-process job: rows, p99 idle → during (ms) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) console.log(tableRow(r));
}

/** `audit prune` as the CLI runs it, in a process of its own: every row older than the retention at argv[3]. */
async function prune(): Promise<{ pruned: number }> {
  const { pruneAudit } = await import('@/lib/audit');
  return { pruned: await pruneAudit(RETENTION_DAYS, Number(process.argv[3])) };
}

/** A worker that builds a table of `rows` rows and then measures a round of pages on each request. */
async function pageServer(database: BenchDatabase, rows: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'bench/audit-scale.ts', 'worker'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: mergeEnv(process.env, { ...database.env, BENCH_ROWS: String(rows), BENCH_PRUNE_ROWS: '0', BENCH_JOB_PRUNE_ROWS: '0', BENCH_SERVE_PAGES: '1', BENCH_EXPLAIN: '', AUDIT_RETENTION_DAYS: '36500', LOG_LEVEL: 'silent', BCRYPT_COST: '4' }),
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the page worker ended');
    return value as string;
  };
  while ((await next()) !== 'ready');
  return {
    async measure(): Promise<{ target: number; sparse: number; parts: Record<string, number> }> {
      child.stdin.write('measure\n');
      return JSON.parse(await next()) as { target: number; sparse: number; parts: Record<string, number> };
    },
    async dirty(): Promise<void> {
      child.stdin.write('dirty\n');
      if ((await next()) !== 'dirty') throw new Error('the page worker did not answer');
    },
    close: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.stdin.end('exit\n'))),
  };
}

/**
 * BENCH_INTERLEAVE=rounds: the page alone, a 10,000-row and a BENCH_ROWS table each in its own database, built
 * at once and measured in turns (small, big, big, small, …): on a loaded machine the two figures of a round
 * see the same load, where the default run measures them minutes apart.
 */
async function interleave(): Promise<void> {
  const rounds = Number(process.env.BENCH_INTERLEAVE);
  for (const kind of benchEngines()) {
    const small = freshDatabase(kind);
    const big = freshDatabase(kind);
    try {
      const [s, b] = await Promise.all([pageServer(small, SMALL), pageServer(big, ROWS)]);
      // PostgreSQL twice: freshly vacuumed (every page all-visible), then with the pages' all-visible bits cleared.
      for (const state of kind === 'pg' ? ['vacuumed', 'not all-visible'] : ['']) {
        if (state === 'not all-visible') await Promise.all([s.dirty(), b.dirty()]);
        const label = state ? `${kind} (${state})` : kind;
        const ratios: number[] = [];
        const sparseRatios: number[] = [];
        for (let round = 0; round < rounds; round++) {
          const order = round % 2 === 0 ? [s, b] : [b, s];
          const first = await order[0]!.measure();
          const second = await order[1]!.measure();
          const [sm, bg] = round % 2 === 0 ? [first, second] : [second, first];
          ratios.push(bg.target / sm.target);
          sparseRatios.push(bg.sparse / sm.sparse);
          const parts = Object.keys(sm.parts).map((k) => `${k} ${sm.parts[k]!.toFixed(2)} → ${bg.parts[k]!.toFixed(2)}`).join(', ');
          console.log(`${label} round ${round + 1}: page ${sm.target.toFixed(2)} → ${bg.target.toFixed(2)} ms (${(bg.target / sm.target).toFixed(2)}×); sparse ${sm.sparse.toFixed(2)} → ${bg.sparse.toFixed(2)} ms (${(bg.sparse / sm.sparse).toFixed(2)}×); statements alone (ms): ${parts}; load ${loadAverage()}`);
        }
        console.log(`${label}: ${ROWS.toLocaleString('en')} ÷ ${SMALL.toLocaleString('en')} rows, median of ${rounds} interleaved rounds: page ${median(ratios).toFixed(2)}× (sparse mailbox ${median(sparseRatios).toFixed(2)}×); ${new Date().toISOString()}`);
      }
      await Promise.all([s.close(), b.close()]);
    } finally {
      small.drop();
      big.drop();
    }
  }
}

if (process.argv[2] === 'worker') runScript(worker, true);
else if (process.env.BENCH_INTERLEAVE) runScript(interleave);
else if (process.argv[2] === 'prune') runScript(prune, true);
else runScript(main);

/**
 * What one gate statement costs on PostgreSQL, layer by layer (issue 14: the gate within 2× of SQLite; the
 * figures are in docs/performance.md "The gate on PostgreSQL (2026-12-06)"). Interleaved in blocks of 100 in
 * one process on one fresh database, BENCH_N executions each; median and p90 latency, and Node's own CPU per
 * execution (process.cpuUsage, syscalls included: less sensitive than latency to where the scheduler puts
 * Node and the backend on a loaded machine):
 *   - "floor": a named one-row SELECT by primary key on a checked-out pg.Client, rowMode 'array' (the
 *     wire's round trip and nothing else);
 *   - "list" / "length(list)": the mailbox's allow_nets alone by primary key, and only its length (which the
 *     server computes from the whole value: with BENCH_LIST=1000 it fetches and decompresses a TOASTed list);
 *   - "gate, client": the gate's web-session statement (mailbox ⨝ account ⟕ web_sessions) the same way;
 *   - "gate, pool.query": the same through pg.Pool.query (a checkout and release per statement);
 *   - "gate, drizzle": the same through drizzle's named prepared statement on a pool (objects, mapped);
 *   - "app gate, db/ prepareAs": on the app's own pool (db/), as lib/session/check.ts runs it.
 * Each over TCP and, with BENCH_PG_SOCKET_DIR (the cluster's Unix-socket folder), over the socket. Then
 * drizzle's own cost without the network: its execute of the gate statement on a client that answers at
 * once with a canned row, against that client's call alone (CPU per execution).
 *
 *   DATABASE_URL=postgres://…/fresh_db [BENCH_PG_SOCKET_DIR=/path] [BENCH_N=5000] [BENCH_LIST=1000] \
 *     AUTH_SECRET=… npx tsx --conditions=react-server bench/pg-round-trip.ts
 * The database must be empty or migrated; the script migrates it and adds one account, mailbox and session.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { and, eq, sql } from 'drizzle-orm';
import { accounts, domains, mailboxes, webSessions } from '../db/schema';
import { getDb, prepareAs } from '../db';
import { migratePostgres } from '../db/migrate-pg';
import { createWebSession, hashSessionId } from '../lib/session/row';
import { runScript } from './support/engine';

const N = Number(process.env.BENCH_N ?? 5000);
const BLOCK = 100;

function socketUrl(url: string, dir: string): string {
  const u = new URL(url);
  return `postgres://${u.username}@localhost${u.pathname}?host=${encodeURIComponent(dir)}&port=${u.port || 5432}`;
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name a PostgreSQL database');
  await migratePostgres(url);
  const db = getDb();
  const [account] = (await db.insert(accounts).values({ name: `rt ${Date.now()}` }).returning({ id: accounts.id })) as [{ id: number }];
  const [domain] = (await db.insert(domains).values({ accountId: account.id, name: `rt${Date.now()}.test` }).returning({ id: domains.id })) as [{ id: number }];
  // BENCH_LIST=1000: the mailbox holds a 1,000-entry list, as in bench/gate.ts (≈ 15.6 KB: PostgreSQL keeps
  // it compressed, out of line in the TOAST table; "stored" below is its compressed size).
  const listSize = Number(process.env.BENCH_LIST ?? 1);
  const nets = new Set<string>(['203.0.113.0/24']);
  while (nets.size < listSize) nets.add(`${1 + Math.floor(Math.random() * 222)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.0/24`);
  const [mailbox] = (await db
    .insert(mailboxes)
    .values({ accountId: account.id, domainId: domain.id, email: `rt${Date.now()}@bench.test`, passwordHash: 'x', allowNets: [...nets].join(',') })
    .returning({ id: mailboxes.id, sv: mailboxes.sessionVersion })) as [{ id: number; sv: number }];
  const sid = await createWebSession({ kind: 'mailbox', subjectId: mailbox.id, sessionVersion: mailbox.sv, clientIp: '203.0.113.5', userAgent: 'bench' });
  const sidHash = hashSessionId(sid);

  const build = (d: typeof db) =>
    d
      .select({
        id: mailboxes.id,
        email: mailboxes.email,
        sessionVersion: mailboxes.sessionVersion,
        requireResetPassword: mailboxes.requireResetPassword,
        accountId: mailboxes.accountId,
        allowNets: mailboxes.allowNets,
        allowNetsMetaText: sql<string | null>`${mailboxes.allowNetsMeta}`,
        allowNetsMode: mailboxes.allowNetsMode,
        netSetsVersion: accounts.netSetsVersion,
        active: mailboxes.active,
        sessionId: webSessions.id,
        lastActiveAt: webSessions.lastActiveAt,
        expiresAt: webSessions.expiresAt,
        pending: webSessions.pending,
      })
      .from(mailboxes)
      .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
      .leftJoin(webSessions, and(eq(webSessions.sidHash, sql.placeholder('sidHash')), eq(webSessions.kind, 'mailbox'), eq(webSessions.subjectId, mailboxes.id)))
      .where(eq(mailboxes.id, sql.placeholder('id')));
  // On the app's own pool (db/), as lib/session/check.ts runs it.
  const appStatement = prepareAs('rt_gate_app', build(db));
  const text = (appStatement as unknown as { queryString: string }).queryString;
  const gateValues = (appStatement as unknown as { params: unknown[] }).params.map((p) => (p && typeof p === 'object' && 'name' in p ? ({ id: mailbox.id, sidHash } as Record<string, unknown>)[(p as { name: string }).name] : p));
  console.log(`gate statement: ${text}`);
  const floorText = 'select "id" from "accounts" where "accounts"."id" = $1';

  const transports: [string, string][] = [['tcp', url]];
  if (process.env.BENCH_PG_SOCKET_DIR) transports.push(['socket', socketUrl(url, process.env.BENCH_PG_SOCKET_DIR)]);

  const variants: [string, () => Promise<unknown>][] = [];
  const clients: pg.Client[] = [];
  for (const [transport, target] of transports) {
    const pool = new pg.Pool({ connectionString: target, max: 10 });
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    clients.push(client);
    if (transport === 'tcp') {
      const { rows } = await client.query('SELECT pg_column_size(allow_nets) AS stored, octet_length(allow_nets) AS bytes FROM mailboxes WHERE id = $1', [mailbox.id]);
      console.log(`allow_nets: ${JSON.stringify(rows[0])}`);
    }
    const own = drizzle({ client: pool });
    const ownStatement = prepareAs(`rt_gate_drizzle_${transport}`, build(own as unknown as typeof db));
    variants.push(
      [`${transport} floor, client`, () => client.query({ name: 'rt_floor', text: floorText, values: [account.id], rowMode: 'array' })],
      // The list alone, and only its length (computed by the server, which must fetch and decompress it too).
      [`${transport} list, client`, () => client.query({ name: 'rt_list', text: 'select "allow_nets" from "mailboxes" where "id" = $1', values: [mailbox.id], rowMode: 'array' })],
      [`${transport} length(list), client`, () => client.query({ name: 'rt_length', text: 'select length("allow_nets") from "mailboxes" where "id" = $1', values: [mailbox.id], rowMode: 'array' })],
      [`${transport} gate, client`, () => client.query({ name: 'rt_gate', text, values: gateValues, rowMode: 'array' })],
      [`${transport} gate, pool.query`, () => pool.query({ name: 'rt_gate', text, values: gateValues, rowMode: 'array' })],
      [`${transport} gate, drizzle`, () => ownStatement.execute({ id: mailbox.id, sidHash })],
    );
  }
  variants.push(
    ['app gate, db/ prepareAs', () => appStatement.execute({ id: mailbox.id, sidHash })],
  );

  const runs = variants.map(() => [] as number[]);
  // Node's own CPU per execution (user + system, syscalls included): less sensitive than latency to where
  // the scheduler puts the backend and Node on a loaded machine.
  const cpuUs = variants.map(() => 0);
  const blocks = variants.map(() => 0);
  for (let i = 0; i < 500 * variants.length; i++) await variants[i % variants.length]![1]();
  // In blocks of BLOCK executions, so that each variant's connection is as warm as a pool's busiest one.
  for (let b = 0; b < (N / BLOCK) * variants.length; b++) {
    const v = b % variants.length;
    const cpu = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) {
      const start = performance.now();
      await variants[v]![1]();
      runs[v]!.push(performance.now() - start);
    }
    const used = process.cpuUsage(cpu);
    cpuUs[v]! += (used.user + used.system) / BLOCK;
    blocks[v]!++;
  }
  // Named statements switch to a generic plan after five runs (no planning per execution): shown here.
  const { rows: plans } = await clients[0]!.query('SELECT name, generic_plans, custom_plans FROM pg_prepared_statements');
  console.log(`plans on the dedicated client: ${JSON.stringify(plans)}`);
  // drizzle's wrapping and row mapping alone: a client that answers at once.
  const canned = { rows: [[mailbox.id, 'a@b.test', 1, 0, account.id, 'x'.repeat(100), null, 'enforce', 1, 1, 7, Date.now(), Date.now(), null]], fields: [], rowCount: 1, command: 'SELECT', oid: 0 };
  const instant = { query: () => Promise.resolve(canned) };
  const offline = drizzle({ client: instant as unknown as pg.Pool });
  const offlineStatement = prepareAs('rt_gate_offline', build(offline as unknown as typeof db));
  const cpuPer = async (run: () => Promise<unknown>) => {
    for (let i = 0; i < 20_000; i++) await run();
    const start = process.cpuUsage();
    for (let i = 0; i < 200_000; i++) await run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 200_000;
  };
  const viaDrizzle = await cpuPer(() => offlineStatement.execute({ id: mailbox.id, sidHash }));
  const clientAlone = await cpuPer(() => instant.query());
  console.log(`drizzle's execute on an instant client: ${viaDrizzle.toFixed(2)} µs CPU; the client's call alone: ${clientAlone.toFixed(2)} µs`);

  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]! * 1000;
  for (let v = 0; v < variants.length; v++) console.log(`${variants[v]![0].padEnd(26)} median ${q(runs[v]!, 0.5).toFixed(1)} µs  p90 ${q(runs[v]!, 0.9).toFixed(1)} µs  Node CPU ${(cpuUs[v]! / blocks[v]!).toFixed(1)} µs`);
}

runScript(main);

/**
 * What one gate statement costs on PostgreSQL, layer by layer (issue 14: the gate within 2× of SQLite).
 * Interleaved in one process on one fresh database, N executions each (median, p90):
 *   - "floor": a named one-row SELECT by primary key on a checked-out pg.Client, rowMode 'array' (the
 *     wire's round trip and nothing else);
 *   - "gate, client": the gate's web-session statement (mailbox ⨝ account ⟕ web_sessions) the same way;
 *   - "gate, pool.query": the same through pg.Pool.query (a checkout and release per statement);
 *   - "gate, drizzle": the same through drizzle's named prepared statement on the pool (objects, mapped);
 *   - "app gate, drizzle" / "app gate, db/ prepareAs": on the app's own pool (db/), drizzle's execute vs
 *     db/'s prepareAs (pg directly), as lib/auth/gate.ts runs it.
 * Each over TCP and, when BENCH_PG_SOCKET_DIR is given (the cluster's Unix-socket folder), over the socket.
 *
 *   DATABASE_URL=postgres://…/fresh_db [BENCH_PG_SOCKET_DIR=/path] [BENCH_N=5000] \
 *     npx tsx --conditions=react-server bench/pg-round-trip.ts
 * The database must be empty or migrated; the script migrates it and adds one account, mailbox and session.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { and, eq, sql } from 'drizzle-orm';
import { accounts, domains, mailboxes, webSessions } from '../db/schema';
import { getDb, prepareAs } from '../db';
import { migratePostgres } from '../db/migrate-pg';
import { createWebSession, hashSessionId } from '../lib/auth/web-session';
import { runScript } from './support/engine';

const N = Number(process.env.BENCH_N ?? 5000);
const BLOCK = 100;

function socketUrl(url: string, dir: string): string {
  const u = new URL(url);
  return `postgres://${u.username}@/${u.pathname.slice(1)}?host=${encodeURIComponent(dir)}&port=${u.port || 5432}`;
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name a PostgreSQL database');
  await migratePostgres(url);
  const db = getDb();
  const [account] = (await db.insert(accounts).values({ name: `rt ${Date.now()}` }).returning({ id: accounts.id })) as [{ id: number }];
  const [domain] = (await db.insert(domains).values({ accountId: account.id, name: `rt${Date.now()}.test` }).returning({ id: domains.id })) as [{ id: number }];
  // BENCH_LIST=1000: the mailbox holds a 1,000-entry list, as in bench/gate.ts (PostgreSQL keeps such a
  // value compressed, out of line: "stored" below).
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
  // The app's own pool: drizzle's execute, and db/'s (prepareAs: pg directly).
  const appQuery = build(db);
  const appDrizzle = (appQuery.prepare as (this: typeof appQuery, name: string) => ReturnType<typeof appQuery.prepare>).call(appQuery, 'rt_gate_app_drizzle');
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
      [`${transport} gate, client`, () => client.query({ name: 'rt_gate', text, values: gateValues, rowMode: 'array' })],
      [`${transport} gate, pool.query`, () => pool.query({ name: 'rt_gate', text, values: gateValues, rowMode: 'array' })],
      [`${transport} gate, drizzle`, () => ownStatement.execute({ id: mailbox.id, sidHash })],
    );
  }
  variants.push(
    ['app gate, drizzle', () => appDrizzle.execute({ id: mailbox.id, sidHash })],
    ['app gate, db/ prepareAs', () => appStatement.execute({ id: mailbox.id, sidHash })],
  );

  const runs = variants.map(() => [] as number[]);
  for (let i = 0; i < 500 * variants.length; i++) await variants[i % variants.length]![1]();
  // In blocks of BLOCK executions, so that each variant's connection is as warm as a pool's busiest one.
  for (let b = 0; b < (N / BLOCK) * variants.length; b++) {
    const v = b % variants.length;
    for (let i = 0; i < BLOCK; i++) {
      const start = performance.now();
      await variants[v]![1]();
      runs[v]!.push(performance.now() - start);
    }
  }
  // Named statements switch to a generic plan after five runs (no planning per execution): shown here.
  const { rows: plans } = await clients[0]!.query('SELECT name, generic_plans, custom_plans FROM pg_prepared_statements');
  console.log(`plans on the dedicated client: ${JSON.stringify(plans)}`);
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]! * 1000;
  for (let v = 0; v < variants.length; v++) console.log(`${variants[v]![0].padEnd(26)} median ${q(runs[v]!, 0.5).toFixed(1)} µs  p90 ${q(runs[v]!, 0.9).toFixed(1)} µs`);
}

runScript(main);

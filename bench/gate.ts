/**
 * The gate's own cost per request with a 1,000-entry list: proxy.ts and the data-access layer each decode the
 * session JWT and run checkMailboxSession (one indexed SELECT joining the mailbox, its account and its
 * web_sessions row, plus the compiled-list match). Three variants run interleaved in one process, so that
 * they see the same machine load:
 *   - "no row": the gate as it was before server-side sessions (the same decode and SELECT without the
 *     session row: the path an API session takes), the baseline of the sessions ratio (target ≤ 1.5×);
 *   - "plain": a web session on a plain 1,000-entry list;
 *   - "two statements": two prepared single-row SELECTs by primary key, the engine's floor for the gate's two
 *     checks (on PostgreSQL: two round trips through the pool);
 *   - "sets": a web session on a list of 10 network sets × 100 entries plus 100 labelled entries with
 *     expiry, reported as a ratio to "plain" (target ≤ 1.2×).
 * Run:
 *   npx tsx --conditions=react-server bench/gate.ts
 * Each measurement runs in its own process on a fresh database (bench/support/engine.ts).
 * BENCH_ENGINE=sqlite (default) | pg | both; BENCH_ROUNDS (1, or 3 with both); BENCH_REQUESTS per variant
 * (10,000). With both engines, the rounds alternate SQLite and PostgreSQL processes (SQLite, PostgreSQL,
 * SQLite, …), and each variant's PostgreSQL / SQLite ratio of medians is given per round and as the median
 * over the rounds (issue 14: ≤ 2×).
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { eq, sql } from 'drizzle-orm';
import { accounts, domains, mailboxes, netSets } from '../db/schema';
import { getDb } from '../db';
import { checkMailboxSession } from '../lib/session/check';
import { decodeSession, encodeSession } from '../lib/session/token';
import { createWebSession } from '../lib/session/row';
import { parseAllowNets } from '../lib/net/allowlist';
import { benchEngines, freshDatabase, loadAverage, runJson, runScript, type EngineKind } from './support/engine';
import { migrate } from './support/seed';
import { machine, summarise } from './support/server';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const names = ['two statements', 'no row allowed', 'no row refused', 'plain allowed', 'plain refused', 'sets allowed', 'sets refused'];

const entries: string[] = [];
while (entries.length < 999) entries.push(`${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`);
entries.push('203.0.113.0/24');
const parsed = parseAllowNets(entries.join(','));
if (!parsed.ok) throw new Error('bad list');
const entryCount = parsed.entries.length;

async function child() {
await migrate();
const db = getDb();
const [account] = (await db.insert(accounts).values({ name: `bench ${Date.now()}` }).returning({ id: accounts.id })) as [{ id: number }];
const [domain] = (await db.insert(domains).values({ accountId: account.id, name: `b${Date.now()}.test` }).returning({ id: domains.id })) as [{ id: number }];
const [mailbox] = (await db
  .insert(mailboxes)
  .values({ accountId: account.id, domainId: domain.id, email: `gate${Date.now()}@bench.test`, passwordHash: 'x', allowNets: (parsed as { canonical: string }).canonical })
  .returning({ id: mailboxes.id, sv: mailboxes.sessionVersion })) as [{ id: number; sv: number }];

// 10 sets × 100 entries, and a list of the 10 references plus 100 labelled entries expiring in a year.
const randomNet = () => `${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`;
const refs: string[] = [];
for (let s = 0; s < 10; s++) {
  const nets = new Set<string>();
  while (nets.size < 100) nets.add(randomNet());
  const setList = parseAllowNets([...nets].join(','));
  if (!setList.ok) throw new Error('bad set');
  await db.insert(netSets).values({ accountId: account.id, name: `set-${s}`, allowNets: setList.canonical! });
  refs.push(`@set-${s}`);
}
const own = new Set<string>(['203.0.113.0/24']);
while (own.size < 100) own.add(randomNet());
const ownList = parseAllowNets([...own].join(','));
if (!ownList.ok) throw new Error('bad list');
const expiresAt = Date.now() + 365 * 86_400_000;
const meta = Object.fromEntries(ownList.entries.map((e, i) => [e.text, { label: `Entry ${i} — a label of a realistic length`, expiresAt: expiresAt + i }]));
const [setsMailbox] = (await db
  .insert(mailboxes)
  .values({ accountId: account.id, domainId: domain.id, email: `gate-sets${Date.now()}@bench.test`, passwordHash: 'x', allowNets: `${refs.join(',')},${ownList.canonical}`, allowNetsMeta: meta })
  .returning({ id: mailboxes.id, sv: mailboxes.sessionVersion })) as [{ id: number; sv: number }];

const tokenFor = async (m: { id: number; sv: number }) => {
  const sid = await createWebSession({ kind: 'mailbox', subjectId: m.id, sessionVersion: m.sv, clientIp: '203.0.113.5', userAgent: 'bench' });
  return encodeSession({ kind: 'mailbox', sid });
};
const token = await tokenFor(mailbox);
const setsToken = await tokenFor(setsMailbox);

// The engine's floor: one prepared single-row SELECT by primary key, twice (as the gate runs two checks).
const probe = db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, sql.placeholder('id'))).prepare();
// On PostgreSQL, count the statements sent to the server (pg's Client.query carries every one).
let statementsSent = 0;
if (process.env.DATABASE_URL) {
  const pg = (await import('pg')).default;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    statementsSent++;
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

const gateOnce = async (which: string, address: string) => {
  if (which === 'two statements') {
    for (let i = 0; i < 2; i++) if ((await probe.execute({ id: account.id })).length !== 1) throw new Error('probe found nothing');
    return;
  }
  // proxy.ts, then the data-access layer: the same two steps each.
  for (let i = 0; i < 2; i++) {
    const claims = (await decodeSession(which.startsWith('sets') ? setsToken : token, 'mailbox'))!;
    const verdict = await checkMailboxSession(which.startsWith('no row') ? { uid: mailbox.id, sv: mailbox.sv, apiSessionId: 0 } : claims, address);
    if (i === 0 && verdict.ok !== address.startsWith('203.0.113.')) throw new Error(`wrong verdict ${JSON.stringify(verdict)}`);
  }
};

const runs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < 3000; i++) await gateOnce(names[i % names.length]!, '203.0.113.5');
const sentBefore = statementsSent;
// Interleaved, so that both lists see the same machine load.
for (let i = 0; i < REQUESTS * names.length; i++) {
  const which = names[i % names.length]!;
  const start = performance.now();
  await gateOnce(which, which.endsWith('allowed') ? '203.0.113.5' : '192.0.2.77');
  runs[which]!.push(performance.now() - start);
}
const variants: Record<string, ReturnType<typeof summarise>> = {};
for (const [name, ms] of Object.entries(runs)) variants[name] = summarise(ms);
// Per gate request (the probe's two statements are taken out).
const statementsPerRequest = process.env.DATABASE_URL ? (statementsSent - sentBefore - 2 * REQUESTS) / (REQUESTS * (names.length - 1)) : null;
return { variants, statementsPerRequest };
}

type ChildResult = { variants: Record<string, ReturnType<typeof summarise>>; statementsPerRequest: number | null };
const ENGINE_NAME: Record<EngineKind, string> = { sqlite: 'SQLite', pg: 'PostgreSQL' };
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const engines = benchEngines();
  const rounds = Number(process.env.BENCH_ROUNDS ?? (engines.length > 1 ? 3 : 1));
  const results: { kind: EngineKind; round: number; result: ChildResult; load: string }[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const kind of engines) {
      const database = freshDatabase(kind);
      try {
        console.error(`gate: round ${round}/${rounds}, ${ENGINE_NAME[kind]}`);
        const result = await runJson<ChildResult>('bench/gate.ts', ['--child'], { ...database.env, AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0' });
        results.push({ kind, round, result, load: loadAverage() });
      } finally {
        database.drop();
      }
    }
  }
  console.log(`gate cost per request (proxy + DAL): plain ${entryCount}-entry list vs 10 sets × 100 + 100 labelled entries with expiry — ${machine()}, ${new Date().toISOString()}`);
  for (const { kind, round, result, load } of results) {
    console.log(`\n${ENGINE_NAME[kind]}, round ${round} (load average after: ${load})`);
    for (const [name, s] of Object.entries(result.variants)) console.log(`${name.padEnd(15)} median ${us(s.p50)}  p90 ${us(s.p90)}  p99 ${us(s.p99)}  (n=${s.n})`);
    if (result.statementsPerRequest !== null) console.log(`statements sent to PostgreSQL per gate request: ${result.statementsPerRequest.toFixed(2)}`);
    const ratio = (a: string, b: string) => (result.variants[a]!.p50 / result.variants[b]!.p50).toFixed(2);
    console.log(`ratio sessions (plain)/no row: allowed ${ratio('plain allowed', 'no row allowed')}×, refused ${ratio('plain refused', 'no row refused')}× (target ≤ 1.5×)`);
    console.log(`ratio sets/plain: allowed ${ratio('sets allowed', 'plain allowed')}×, refused ${ratio('sets refused', 'plain refused')}× (target ≤ 1.2×)`);
  }
  if (engines.length < 2) return;
  console.log('\n| variant | ' + Array.from({ length: rounds }, (_, r) => `round ${r + 1}: SQLite / PostgreSQL median (ratio)`).join(' | ') + ' | median ratio PG / SQLite |');
  console.log(`| --- |${' ---: |'.repeat(rounds + 1)}`);
  for (const name of names) {
    const ratios: number[] = [];
    const cells = [name];
    for (let round = 1; round <= rounds; round++) {
      const sqlite = results.find((r) => r.kind === 'sqlite' && r.round === round)!.result.variants[name]!.p50;
      const pg = results.find((r) => r.kind === 'pg' && r.round === round)!.result.variants[name]!.p50;
      ratios.push(pg / sqlite);
      cells.push(`${us(sqlite)} / ${us(pg)} (${(pg / sqlite).toFixed(2)}×)`);
    }
    cells.push(`**${median(ratios).toFixed(2)}×**`);
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log('(issue 14: PostgreSQL within 2× of SQLite)');
}

if (process.argv.includes('--child')) runScript(child, true);
else runScript(main);

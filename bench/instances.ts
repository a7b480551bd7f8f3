/*
 * Two instances vs one on PostgreSQL (issue 14): web sign-ins per second at bcrypt cost 12 with 20 clients.
 * Needs `npx next build`. Run:
 *   npx tsx --conditions=react-server bench/instances.ts
 *
 * One fresh PostgreSQL database (bench/support/engine.ts: BENCH_PG_URL, or a throwaway cluster), 20 mailboxes
 * seeded by the app's data layer, and two production servers on it with the same AUTH_SECRET (as behind
 * nginx). 20 clients sign in through the no-JavaScript form (POST /login, answered 303 with the session
 * cookie) over and over for BENCH_SECONDS (30):
 *   - "one instance": every sign-in goes to instance A;
 *   - "two instances": the sign-ins are spread round-robin over A and B, as nginx's `upstream` does.
 * Phases alternate (one, two, one, two, …) for BENCH_ROUNDS (3) rounds, so that both see the same machine
 * load; only sign-ins completed within a phase's time count, and the ones still in flight finish before the
 * next phase starts. The CPU of both servers and of the database's backends is reported per sign-in.
 *
 * Read the ratio with the machine in mind: each instance runs at most min(UV_THREADPOOL_SIZE / 2, cores − 1)
 * hashes at once (one on 2 cores, docs/performance.md), so on one 2-core machine a second instance mostly
 * adds a second hashing lane on the same two cores: the ratio shows what the second process costs or
 * gains there, not how instances on separate machines scale.
 * BENCH_PORT (7230): instance A; B is the next port.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { freshDatabase, loadAverage, seedInEngine } from './support/engine';
import { machine, spawnServer, summarise } from './support/server';

const PORT = Number(process.env.BENCH_PORT ?? 7230);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const PASSWORD = 'Bench-Granite-Willow-81';

/** The hidden fields React renders into the no-JavaScript sign-in form. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)) {
    fields[m[1]!] = (m[2] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return fields;
}

/** CPU time (user + system, ms) of each process in `pids` or in one of the process groups `groups`, from /proc. */
function cpuByPid(pids: number[], groups: number[]): Map<number, number> {
  const result = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (pids.includes(Number(entry)) || groups.includes(Number(fields[2]))) result.set(Number(entry), (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The process ended meanwhile.
    }
  }
  return result;
}

/** CPU used between two snapshots (a process that appeared meanwhile counts whole; one that ended is lost). */
function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}

function backendPids(url: string): number[] {
  const out = spawnSync('psql', [url, '-tAXc', 'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'], { encoding: 'utf8' });
  return out.stdout.split('\n').filter(Boolean).map(Number);
}

interface Phase {
  name: string;
  round: number;
  signIns: number;
  /** Including the sign-ins in flight at the end of the phase's time. */
  completed: number;
  seconds: number;
  latencies: number[];
  serverCpuMs: number;
  databaseCpuMs: number;
  load: string;
}

async function main() {
  const database = freshDatabase('pg');
  const secret = crypto.randomBytes(32).toString('hex');
  const servers: Awaited<ReturnType<typeof spawnServer>>[] = [];
  try {
    const { emails } = await seedInEngine<{ emails: string[] }>(database, 'users', { count: CLIENTS, password: PASSWORD, cost: 12 });
    for (let i = 0; i < 2; i++) servers.push(await spawnServer({ port: PORT + i, env: { ...database.env, AUTH_SECRET: secret, BCRYPT_COST: '12' } }));
    const groups = servers.map((s) => s.pid);
    const fields = servers.map(() => ({}) as Record<string, string>);
    for (const [i, server] of servers.entries()) fields[i] = formFields(await (await fetch(`${server.url}/login`)).text());

    const signIn = async (email: string, instance: number) => {
      const server = servers[instance]!;
      const body = new FormData();
      for (const [k, v] of Object.entries(fields[instance]!)) body.append(k, v);
      body.append('email', email);
      body.append('password', PASSWORD);
      const start = performance.now();
      const response = await fetch(`${server.url}/login`, { method: 'POST', body, headers: { Origin: server.url }, redirect: 'manual' });
      await response.arrayBuffer();
      if (response.status !== 303 || !response.headers.getSetCookie().some((c) => c.includes('session-token'))) throw new Error(`sign-in on instance ${instance} answered ${response.status}`);
      return performance.now() - start;
    };

    // Warm-up: a few sign-ins on each instance.
    for (let i = 0; i < 2; i++) await Promise.all(emails.slice(0, 4).map((e) => signIn(e, i)));

    const phases: Phase[] = [];
    const measure = async (name: string, round: number, instances: number) => {
      const cpu0 = cpuByPid([], groups);
      const db0 = cpuByPid(backendPids(database.env.DATABASE_URL!), []);
      let next = 0;
      let completed = 0;
      const latencies: number[] = [];
      const start = performance.now();
      const until = start + SECONDS * 1000;
      let counted = 0;
      await Promise.all(
        emails.map(async (email) => {
          while (performance.now() < until) {
            const ms = await signIn(email, next++ % instances);
            completed++;
            if (performance.now() <= until) {
              counted++;
              latencies.push(ms);
            }
          }
        }),
      );
      // The CPU figures cover the sign-ins still in flight at the end too: they are divided by all completed.
      const serverCpuMs = cpuSince(cpu0, cpuByPid([], groups));
      const databaseCpuMs = cpuSince(db0, cpuByPid(backendPids(database.env.DATABASE_URL!), []));
      const phase = { name, round, signIns: counted, completed, seconds: SECONDS, latencies, serverCpuMs, databaseCpuMs, load: loadAverage() };
      phases.push(phase);
      console.error(`instances: round ${round}, ${name}: ${(counted / SECONDS).toFixed(2)} sign-ins/s (load ${phase.load})`);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      await measure('one instance', round, 1);
      await measure('two instances', round, 2);
    }

    console.log(`web sign-ins (POST /login, bcrypt 12), ${CLIENTS} clients, PostgreSQL, one vs two instances — ${machine()}, ${new Date().toISOString()}\n`);
    console.log('| round | instances | sign-ins | sign-ins/s | p50 ms | p99 ms | servers CPU ms/sign-in | PostgreSQL backends CPU ms/sign-in | load average after |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const p of phases) {
      const s = summarise(p.latencies);
      console.log(`| ${p.round} | ${p.name} | ${p.signIns} | **${(p.signIns / p.seconds).toFixed(2)}** | ${s.p50.toFixed(0)} | ${s.p99.toFixed(0)} | ${(p.serverCpuMs / p.completed).toFixed(0)} | ${(p.databaseCpuMs / p.completed).toFixed(1)} | ${p.load} |`);
    }
    const ratios = Array.from({ length: ROUNDS }, (_, r) => phases[2 * r + 1]!.signIns / phases[2 * r]!.signIns);
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    console.log(`\ntwo instances / one, per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}; median **${median.toFixed(2)}×** (${os.cpus().length} cores shared by both instances, the database and this client: the overhead of a second instance, not its scaling)`);
  } finally {
    for (const server of servers) await server.stop();
    database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

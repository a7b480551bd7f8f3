/*
 * auth_http throughput: `npx next build` once, then `npx tsx bench/mail-auth.ts` (about three minutes
 * on 2 cores; the table goes to stdout, progress to stderr).
 *
 * Starts a production server itself (server.ts --no-demo on a temp database, BCRYPT_COST=12,
 * MAIL_AUTH_SECRET set) and plays nginx: 20 concurrent clients, each request an HTTP/1.0 GET on a new
 * connection with nginx's headers, as nginx's mail module sends them.
 *   - first logins: every mailbox once, so every request pays bcrypt at cost 12;
 *   - repeat logins: the same mailboxes again for a fixed time, answered from the verification cache.
 * Every request is a successful login, so each one also writes last_login and an audit row. Besides the
 * wall-clock rate, the server's own CPU time per request is reported (from /proc): on a machine shared
 * with other work, it gives the capacity that the wall clock cannot.
 *
 * The baseline (issue 13's target: repeat logins at >= 50 % of it): a bare Node HTTP server in its own
 * process (bench/support/bare-auth-http.mjs) that answers the same requests with a fixed `Auth-Status: OK`,
 * measured by the same client in the same run, interleaved with Portcullis: BENCH_ROUNDS rounds of (bare,
 * Portcullis) and a last bare phase; each round's ratio uses the mean of the bare phases either side, and
 * the median ratio is reported. The client's own CPU per request is reported too: it shares the cores.
 * Each server runs with MACHINE_PORT (its port + 10): every round measures auth_http on the machine process
 * (machine-server.ts, no Next: what nginx is configured to call) and on the web server's port (the same code in
 * Next's process), both against the same bare phases.
 * Environment: BENCH_PORT (3590; the baseline uses the next port, a second engine's server the one after),
 * BENCH_MAILBOXES (100), BENCH_SECONDS (8), BENCH_ROUNDS (3), BENCH_CLIENTS (20), BENCH_PROFILE (a folder: the
 * server runs with --cpu-prof and writes its profile there), BENCH_SERVER_LOG (a file for the servers' logs).
 *
 * BENCH_ENGINE=sqlite (default) | pg | both (bench/support/engine.ts; BENCH_PG_URL or a throwaway cluster):
 * each engine gets a fresh database seeded by the same code (bench/support/seed.ts) and its own server; with
 * both, every round runs bare, SQLite, PostgreSQL in turn and the PostgreSQL / SQLite ratio of the warm rates is
 * reported per round (issue 14: PostgreSQL within 2×, i.e. a ratio ≥ 0.50). On PostgreSQL the CPU of the
 * database's own backend processes per login is reported too (it is not in the server's figure).
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { benchEngines, freshDatabase, loadAverage, mergeEnv, seedInEngine, type BenchDatabase, type EngineKind } from './support/engine';

const PORT = Number(process.env.BENCH_PORT ?? 3590);
const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 100);
const PROFILE = process.env.BENCH_PROFILE;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECRET = crypto.randomBytes(24).toString('base64url');
const PASSWORD = 'Bench-Password-Correct-Horse-17';

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** One auth_http request on a new connection, like nginx; resolves with Auth-Status. */
function authHttp(email: string, clientIp: string, port = PORT): Promise<string> {
  const request =
    'GET /api/mail-auth HTTP/1.0\r\nHost: localhost\r\nAuth-Method: plain\r\n' +
    `Auth-User: ${email}\r\nAuth-Pass: ${PASSWORD}\r\nAuth-Protocol: imap\r\nAuth-Login-Attempt: 1\r\n` +
    `Client-IP: ${clientIp}\r\nX-Mail-Auth-Secret: ${SECRET}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    let response = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(request));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (response += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(/^auth-status: (.*)$/im.exec(response)?.[1]?.trim() ?? `no Auth-Status: ${response.slice(0, 80)}`));
  });
}

interface Phase {
  requests: number;
  seconds: number;
  latencies: number[];
  /** CPU time of the server's processes: the capacity figure that other load on the machine does not skew. */
  serverCpuMs: number;
  /** CPU time of this client process: it shares the machine's cores with the server it measures. */
  clientCpuMs: number;
  /** PostgreSQL: CPU time of the database's backend processes serving this server's pool. */
  databaseCpuMs: number | null;
}

/** CPU time (user + system) of the given processes, from /proc (Linux). */
function pidsCpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The backend ended meanwhile (the pool closed an idle connection).
    }
  }
  return ticks * 10;
}

/** The backend processes connected to a PostgreSQL database (the pool's connections, after a warm-up). */
function backendPids(url: string): number[] {
  const out = spawnSync('psql', [url, '-tAXc', 'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'], { encoding: 'utf8' });
  return out.stdout.split('\n').filter(Boolean).map(Number);
}

/** CPU time (user + system) of every process in a process group, from /proc (Linux). */
function groupCpuMs(pgid: number): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks * tick;
}

/** `CLIENTS` loops taking mailboxes from `next()` until it returns null. */
async function run(pgid: number, next: () => string | null, port = PORT, databaseUrl?: string): Promise<Phase> {
  const latencies: number[] = [];
  const backends = databaseUrl ? backendPids(databaseUrl) : [];
  const db0 = pidsCpuMs(backends);
  const cpu0 = groupCpuMs(pgid);
  const client0 = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let email = next(); email !== null; email = next()) {
        const t0 = performance.now();
        const status = await authHttp(email, `198.51.100.${client + 1}`, port);
        latencies.push(performance.now() - t0);
        if (status !== 'OK') throw new Error(`${email}: ${status}`);
      }
    }),
  );
  const client = process.cpuUsage(client0);
  const serverCpuMs = groupCpuMs(pgid) - cpu0;
  // Backends the pool opened during the phase count whole (the first logins start with an empty pool).
  const opened = databaseUrl ? backendPids(databaseUrl).filter((pid) => !backends.includes(pid)) : [];
  const databaseCpuMs = databaseUrl ? pidsCpuMs(backends) - db0 + pidsCpuMs(opened) : null;
  return { requests: latencies.length, seconds: (performance.now() - start) / 1000, latencies, serverCpuMs, clientCpuMs: (client.user + client.system) / 1000, databaseCpuMs };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function row(name: string, phase: Phase): string {
  const sorted = [...phase.latencies].sort((a, b) => a - b);
  const rate = phase.requests / phase.seconds;
  const cpu = phase.serverCpuMs / phase.requests;
  const digits = (n: number) => n.toFixed(n < 100 ? 1 : 0);
  const database = phase.databaseCpuMs === null ? '' : (phase.databaseCpuMs / phase.requests).toFixed(2);
  return `| ${name} | ${phase.requests} | ${phase.seconds.toFixed(1)} | **${digits(rate)}** | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${cpu.toFixed(2)} | ${digits(1000 / cpu)} | ${(phase.clientCpuMs / phase.requests).toFixed(2)} | ${database} |`;
}

async function waitForServer(child: ReturnType<typeof spawn>, port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const status = await fetch(`http://127.0.0.1:${port}/login`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start within 60 s');
}

/** The bare baseline server, in its own process group. */
async function startBaseline(port: number): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ['bench/support/bare-auth-http.mjs', String(port)], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return child;
}

/** Repeat logins against `port` for `SECONDS`, after a warm-up. */
async function repeatPhase(pgid: number, emails: string[], port: number, databaseUrl?: string): Promise<Phase> {
  // The JIT has seen the hot path only a few times so far; let it settle before measuring.
  let warmup = 0;
  await run(pgid, () => (warmup < 2000 ? emails[warmup++ % emails.length]! : null), port);
  const until = performance.now() + SECONDS * 1000;
  let j = 0;
  return run(pgid, () => (performance.now() < until ? emails[j++ % emails.length]! : null), port, databaseUrl);
}

const ENGINE_NAME: Record<EngineKind, string> = { sqlite: 'SQLite', pg: 'PostgreSQL' };

interface Subject {
  kind: EngineKind;
  database: BenchDatabase;
  port: number;
  /** The machine process's port (MACHINE_PORT). */
  machinePort: number;
  emails: string[];
  server?: ReturnType<typeof spawn>;
  first?: Phase;
  repeats: Phase[];
  /** The same repeat logins sent to the web server's port. */
  webRepeats: Phase[];
}

async function main(): Promise<void> {
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('no production build: run `npx next build` first');
  const engines = benchEngines();
  const baselinePort = PORT + 1;
  const subjects: Subject[] = [];
  let baseline: ReturnType<typeof spawn> | undefined;
  try {
    for (const [i, kind] of engines.entries()) {
      const database = freshDatabase(kind);
      const port = i === 0 ? PORT : PORT + 1 + i;
      log(`creating ${MAILBOXES} mailboxes (bcrypt cost 12) on ${ENGINE_NAME[kind]}`);
      const { emails } = await seedInEngine<{ emails: string[] }>(database, 'users', { count: MAILBOXES, password: PASSWORD, cost: 12 });
      subjects.push({ kind, database, port, machinePort: port + 10, emails, repeats: [], webRepeats: [] });
    }
    baseline = await startBaseline(baselinePort);
    for (const subject of subjects) {
      const server = spawn(process.execPath, [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []), '--import', 'tsx', 'server.ts', '--no-demo'], {
        detached: true,
        // BENCH_SERVER_LOG: the servers' log lines go to that file (appended) instead of nowhere.
        stdio: ['ignore', process.env.BENCH_SERVER_LOG ? fs.openSync(process.env.BENCH_SERVER_LOG, 'a') : 'ignore', 'inherit'],
        env: mergeEnv(
          { PATH: process.env.PATH ?? '' },
          {
            NODE_ENV: 'production',
            NEXT_TELEMETRY_DISABLED: '1',
            PORT: String(subject.port),
            MACHINE_PORT: String(subject.machinePort),
            HOST: '127.0.0.1',
            ...subject.database.env,
            AUTH_SECRET: crypto.randomBytes(32).toString('base64url'),
            BCRYPT_COST: '12',
            MAIL_AUTH_SECRET: SECRET,
            IMAP_BACKEND: '127.0.0.1:143',
          },
        ),
      });
      subject.server = server;
      await waitForServer(server, subject.port);
      log(`${ENGINE_NAME[subject.kind]} server up on port ${subject.port}; first logins (${MAILBOXES} mailboxes, ${CLIENTS} clients)`);
      let i = 0;
      subject.first = await run(server.pid!, () => (i < subject.emails.length ? subject.emails[i++]! : null), subject.machinePort, subject.database.env.DATABASE_URL || undefined);
      // The web server's process has a verification cache of its own: warm it too (not measured), or its first
      // repeat phase would be bcrypt at cost 12 for every mailbox.
      let k = 0;
      await run(server.pid!, () => (k < subject.emails.length ? subject.emails[k++]! : null), subject.port);
    }
    // Interleaved on a shared machine: bare, then each engine, bare, …, bare; each Portcullis phase is compared
    // with the mean of the bare phases either side of it, and the ratio reported is the median.
    const bare: Phase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      log(`round ${round + 1}/${ROUNDS}: bare server on port ${baselinePort}, then ${subjects.map((s) => ENGINE_NAME[s.kind]).join(', ')}, ${SECONDS} s each`);
      bare.push(await repeatPhase(baseline.pid!, subjects[0]!.emails, baselinePort));
      for (const subject of subjects) {
        subject.repeats.push(await repeatPhase(subject.server!.pid!, subject.emails, subject.machinePort, subject.database.env.DATABASE_URL || undefined));
        subject.webRepeats.push(await repeatPhase(subject.server!.pid!, subject.emails, subject.port, subject.database.env.DATABASE_URL || undefined));
      }
    }
    log(`bare server again: ${SECONDS} s`);
    bare.push(await repeatPhase(baseline.pid!, subjects[0]!.emails, baselinePort));
    const rate = (phase: Phase) => phase.requests / phase.seconds;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

    console.log(`auth_http, ${CLIENTS} concurrent clients, new connection per request; ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}, load average at the end ${loadAverage()}\n`);
    console.log('| logins | requests | seconds | requests/s | p50 ms | p99 ms | server CPU ms/request | requests/s per server core | client CPU ms/request | PostgreSQL backends CPU ms/request |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const subject of subjects) console.log(row(`${ENGINE_NAME[subject.kind]}: first (bcrypt cost 12)`, subject.first!));
    for (let r = 0; r < ROUNDS; r++) {
      console.log(row(`round ${r + 1}: baseline, bare Node HTTP server, fixed OK`, bare[r]!));
      for (const subject of subjects) {
        console.log(row(`round ${r + 1}: ${ENGINE_NAME[subject.kind]}, repeat (verification cache warm), machine process`, subject.repeats[r]!));
        console.log(row(`round ${r + 1}: ${ENGINE_NAME[subject.kind]}, repeat, web server's port`, subject.webRepeats[r]!));
      }
    }
    console.log(row('baseline again', bare[ROUNDS]!));
    console.log('');
    for (const subject of subjects) {
      const ratios = subject.repeats.map((phase, r) => rate(phase) / ((rate(bare[r]!) + rate(bare[r + 1]!)) / 2));
      console.log(`${ENGINE_NAME[subject.kind]} repeat logins on the machine process / baseline, per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}; median **${median(ratios).toFixed(2)}** (issues 13, 21: target >= 0.50)`);
      const web = subject.webRepeats.map((phase, r) => rate(phase) / ((rate(bare[r]!) + rate(bare[r + 1]!)) / 2));
      console.log(`${ENGINE_NAME[subject.kind]} repeat logins on the web server's port / baseline, per round: ${web.map((x) => x.toFixed(2)).join(', ')}; median ${median(web).toFixed(2)}`);
    }
    if (subjects.length === 2) {
      const ratios = subjects[1]!.repeats.map((phase, r) => rate(phase) / rate(subjects[0]!.repeats[r]!));
      console.log(`PostgreSQL / SQLite warm repeat logins per second, per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}; median **${median(ratios).toFixed(2)}** (issue 14: >= 0.50, i.e. within 2×)`);
    }
  } finally {
    baseline?.kill('SIGTERM');
    for (const subject of subjects) {
      const server = subject.server;
      if (server?.pid !== undefined && server.exitCode === null) {
        if (PROFILE) {
          // --cpu-prof writes the profile when the process exits normally: let the server shut down.
          process.kill(-server.pid, 'SIGTERM');
          await new Promise((r) => server.once('exit', r));
        } else process.kill(-server.pid, 'SIGKILL');
      }
      subject.database.drop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});

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
 * Environment: BENCH_PORT (3590; the baseline uses the next port), BENCH_MAILBOXES (100), BENCH_SECONDS (8),
 * BENCH_ROUNDS (3), BENCH_CLIENTS (20), BENCH_PROFILE (a folder: the server runs with --cpu-prof and writes
 * its profile there).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcrypt';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { accounts, domains, mailboxes } from '../db/schema';

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

function prepareDatabase(file: string): string[] {
  const { db, sqlite } = openDatabase(file);
  migrateDatabase(db);
  const account = db.insert(accounts).values({ name: 'Bench' }).returning({ id: accounts.id }).get();
  const domain = db.insert(domains).values({ accountId: account.id, name: 'bench.test' }).returning({ id: domains.id }).get();
  // One hash at the production cost for every mailbox: the cache is keyed per mailbox, so each still pays bcrypt.
  const passwordHash = bcrypt.hashSync(PASSWORD, 12);
  const emails = Array.from({ length: MAILBOXES }, (_, i) => `user${i}@bench.test`);
  db.transaction((tx) => {
    for (const email of emails) tx.insert(mailboxes).values({ accountId: account.id, domainId: domain.id, email, passwordHash }).run();
  });
  sqlite.close();
  return emails;
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
async function run(pgid: number, next: () => string | null, port = PORT): Promise<Phase> {
  const latencies: number[] = [];
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
  return { requests: latencies.length, seconds: (performance.now() - start) / 1000, latencies, serverCpuMs: groupCpuMs(pgid) - cpu0, clientCpuMs: (client.user + client.system) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function row(name: string, phase: Phase): string {
  const sorted = [...phase.latencies].sort((a, b) => a - b);
  const rate = phase.requests / phase.seconds;
  const cpu = phase.serverCpuMs / phase.requests;
  const digits = (n: number) => n.toFixed(n < 100 ? 1 : 0);
  return `| ${name} | ${phase.requests} | ${phase.seconds.toFixed(1)} | **${digits(rate)}** | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${cpu.toFixed(2)} | ${digits(1000 / cpu)} | ${(phase.clientCpuMs / phase.requests).toFixed(2)} |`;
}

async function waitForServer(child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const status = await fetch(`http://127.0.0.1:${PORT}/login`).then((r) => r.status, () => 0);
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
async function repeatPhase(pgid: number, emails: string[], port: number): Promise<Phase> {
  // The JIT has seen the hot path only a few times so far; let it settle before measuring.
  let warmup = 0;
  await run(pgid, () => (warmup < 2000 ? emails[warmup++ % emails.length]! : null), port);
  const until = performance.now() + SECONDS * 1000;
  let j = 0;
  return run(pgid, () => (performance.now() < until ? emails[j++ % emails.length]! : null), port);
}

async function main(): Promise<void> {
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('no production build: run `npx next build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-'));
  const dbFile = path.join(dir, 'bench.db');
  log(`creating ${MAILBOXES} mailboxes (bcrypt cost 12) in ${dbFile}`);
  const emails = prepareDatabase(dbFile);

  const baselinePort = PORT + 1;
  const baseline = await startBaseline(baselinePort);

  const server = spawn(process.execPath, [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []), '--import', 'tsx', 'server.ts', '--no-demo'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATABASE_PATH: dbFile,
      AUTH_SECRET: crypto.randomBytes(32).toString('base64url'),
      BCRYPT_COST: '12',
      MAIL_AUTH_SECRET: SECRET,
      IMAP_BACKEND: '127.0.0.1:143',
    },
  });
  try {
    await waitForServer(server);
    log(`server up on port ${PORT}; first logins (${MAILBOXES} mailboxes, ${CLIENTS} clients)`);
    const pgid = server.pid!;
    let i = 0;
    const first = await run(pgid, () => (i < emails.length ? emails[i++]! : null));
    // Interleaved on a shared machine: bare, Portcullis, bare, Portcullis, …, bare; each Portcullis phase is
    // compared with the mean of the bare phases either side of it, and the ratio reported is the median.
    const bare: Phase[] = [];
    const repeats: Phase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      log(`round ${round + 1}/${ROUNDS}: bare server on port ${baselinePort}, then Portcullis, ${SECONDS} s each`);
      bare.push(await repeatPhase(baseline.pid!, emails, baselinePort));
      repeats.push(await repeatPhase(pgid, emails, PORT));
    }
    log(`bare server again: ${SECONDS} s`);
    bare.push(await repeatPhase(baseline.pid!, emails, baselinePort));
    const rate = (phase: Phase) => phase.requests / phase.seconds;
    const ratios = repeats.map((phase, r) => rate(phase) / ((rate(bare[r]!) + rate(bare[r + 1]!)) / 2));

    console.log(`auth_http, ${CLIENTS} concurrent clients, new connection per request; ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log('| logins | requests | seconds | requests/s | p50 ms | p99 ms | server CPU ms/request | requests/s per server core | client CPU ms/request |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(row('first (bcrypt cost 12)', first));
    for (let r = 0; r < ROUNDS; r++) {
      console.log(row(`round ${r + 1}: baseline, bare Node HTTP server, fixed OK`, bare[r]!));
      console.log(row(`round ${r + 1}: repeat (verification cache warm)`, repeats[r]!));
    }
    console.log(row('baseline again', bare[ROUNDS]!));
    const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
    console.log(`\nrepeat logins / baseline, per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}; median **${median.toFixed(2)}** (target >= 0.50)`);
  } finally {
    baseline.kill('SIGTERM');
    if (server.pid !== undefined) {
      if (PROFILE) {
        // --cpu-prof writes the profile when the process exits normally: let the server shut down.
        process.kill(-server.pid, 'SIGTERM');
        await new Promise((r) => server.once('exit', r));
      } else process.kill(-server.pid, 'SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});

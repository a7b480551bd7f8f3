/**
 * The production entry point. It is the only code that looks at the TCP connection: it decides the client
 * address (lib/net/client-address.ts), deletes every client-supplied forwarding or internal header, and
 * hands Next.js the decision in headers no client can set. `next start` keeps a client-sent
 * X-Forwarded-For, so it must not be used to serve Portcullis.
 */
// lib/env goes first: it sizes libuv's thread pool, which must happen before anything uses the pool.
import { authSecretFile, env } from './lib/env';
// Before any module of the app: lets server.ts load the domain code for the machine endpoints (see there).
import './lib/ops/outside-next';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import next from 'next';
import { closeSharedEngine } from './db/connection';
import { addressCollisions, countAccounts, databaseTarget, migrateTarget } from './db/engine';
import { preparePrivateFolder, preparePrivateTarget, type PrivateFilesReport } from './db/private-files';
import { flushLog, log, withRequestContext } from './lib/log';
import { compileAllowlist, parseAddress } from './lib/net/allowlist';
import { admitRequest } from './lib/net/admit-request';
import { keepConnectionUsable } from './lib/net/unread-body';
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTO_HEADER } from './lib/net/internal-headers';
import { describeAddressCollisions } from './lib/ops/address-collisions';
import { startBackgroundWork, stopBackgroundWork } from './lib/ops/background';
import { startJobs } from './lib/schedule/start';
import { drainable } from './lib/ops/drain';
import { serveMachineEndpoint } from './lib/machine-endpoints/table';
import { readinessFor, type Readiness, type ReadinessCheck } from './db/readiness';
import type { MachineProcessMessage } from './machine-server';
import { guardedReadiness, installPrototypeGuard } from './lib/ops/prototype-guard';
import { listenUrl } from './lib/ops/listen-url';
import { logRequest, newRequestId, pathnameOf } from './lib/ops/request-log';

const args = new Set(process.argv.slice(2));
const dev = args.has('--dev');

function fail(message: string): never {
  flushLog();
  console.error(`portcullis: ${message}`);
  process.exit(1);
}

function ensureAuthSecret(): void {
  if (env().AUTH_SECRET) return;
  // Several instances share a PostgreSQL database: a secret generated per machine would make every instance
  // refuse the others' sessions.
  if (env().DATABASE_URL) fail('AUTH_SECRET must be set when DATABASE_URL is (the same value on every instance; README "Running on PostgreSQL")');
  const file = authSecretFile();
  if (fs.existsSync(file)) return;
  // The data folder, shared with the database: created 0700 (spec §23); a wider existing one is reported
  // once, by prepareDatabase.
  reportPrivateFiles({ createdFolder: preparePrivateFolder(path.dirname(file)).createdFolder, widerFolder: null, narrowed: [] });
  fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { mode: 0o600 });
  log().warn({ file }, `AUTH_SECRET is not set; generated one into ${file} (keep it: it signs every session)`);
}

/** Logs what making the data folder and database private found (db/private-files.ts). */
function reportPrivateFiles(report: PrivateFilesReport): void {
  if (report.createdFolder) log().info({ folder: report.createdFolder }, `created the data folder ${report.createdFolder} (mode 0700)`);
  if (report.widerFolder) {
    const { folder, mode } = report.widerFolder;
    log().warn({ folder, mode }, `the data folder ${folder} is mode ${mode}: other users of this machine can see into it; run chmod 700 on it (or give the database a folder of its own)`);
  }
  for (const file of report.narrowed) log().warn({ file }, `${file} could be read by other users of this machine; narrowed it to mode 0600`);
}

/** Migrates, and creates the demo data into an empty database; returns the demo credentials text, if created. */
async function prepareDatabase(baseUrl: string): Promise<string | null> {
  const target = databaseTarget(env());
  // Before the migration opens it: the folder, the file and its -wal/-shm private, and what was found logged.
  reportPrivateFiles(preparePrivateTarget(target));
  try {
    await migrateTarget(target);
  } catch (error) {
    fail(`migrating the database failed: ${(error as Error).message}`);
  }
  // Admin addresses that are also mailbox addresses (let in by the rules before spec §23) make sign-in
  // ambiguous: refuse to serve until the operator has fixed them.
  const collisions = describeAddressCollisions(await addressCollisions(target));
  if (collisions) fail(collisions);
  if ((await countAccounts(target)) === 0 && !args.has('--no-demo')) {
    // The CLI owns the demo data (it runs the domain service under the react-server condition). Its output
    // is held back and printed once the server listens, so a first build's output cannot scroll it away.
    const result = spawnSync('npx', ['tsx', '--conditions=react-server', 'lib/cli/main.ts', 'demo', '--url', baseUrl], { stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8' });
    if (result.status !== 0) fail('creating the demo data failed');
    return result.stdout.trim() || null;
  }
  return null;
}

function buildIfNeeded(): void {
  if (dev || !args.has('--build-if-needed') || fs.existsSync(path.join('.next', 'BUILD_ID'))) return;
  log().info('no production build found; running next build (this takes a few minutes)');
  // The log is written at the end of the event-loop turn, and spawnSync blocks the loop: flush now, or the line
  // would come after the whole build output it announces.
  flushLog();
  const result = spawnSync('npx', ['next', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) fail('next build failed');
}

/** The one line printed when the server cannot listen: the port and what to do, never a stack trace. */
function listenFailure(error: NodeJS.ErrnoException, host: string, port: number, variable = 'PORT'): string {
  if (error.code === 'EADDRINUSE') return `port ${port} on ${host} is already in use (is Portcullis already running?): stop that server or set ${variable} to a free port`;
  if (error.code === 'EACCES') return `not allowed to listen on port ${port} on ${host}: choose a port above 1023 with ${variable}`;
  if (error.code === 'EADDRNOTAVAIL') return `cannot listen on ${host}:${port}: this machine has no such address (check HOST)`;
  return `cannot listen on ${host}:${port}: ${error.message}`;
}

/**
 * Fails at once when the port cannot be listened on, before migrating and (for a first start) minutes of
 * building; the real listen below reports the same way should the port be taken in between.
 */
function ensurePortFree(host: string, port: number, variable = 'PORT'): Promise<void> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', (error: NodeJS.ErrnoException) => fail(listenFailure(error, host, port, variable)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Hands the decision to Next (lib/net/request-address.ts reads it): only with this process's token. */
function passDecision(req: IncomingMessage, address: string | null, proto: 'http' | 'https', gateToken: string): void {
  req.headers[CLIENT_ADDRESS_HEADER] = `${gateToken} ${address ?? '-'}`;
  req.headers[CLIENT_PROTO_HEADER] = proto;
}

/**
 * A request that Next.js makes to itself carries the internal headers with this process's secret token
 * (random, never sent to clients) and comes over loopback; anything else is a client and is decided anew.
 */
function isReentrant(req: IncomingMessage, peer: string | undefined, gateToken: string): boolean {
  const inherited = req.headers[CLIENT_ADDRESS_HEADER];
  if (typeof inherited !== 'string' || !inherited.startsWith(`${gateToken} `)) return false;
  const address = parseAddress(peer);
  return address !== null && (address.text === '::1' || address.text.startsWith('127.'));
}

/** How often the prototype canary is checked besides every /readyz, so that a breach is logged without a poller. */
const PROTOTYPE_CHECK_MS = 5_000;

/** How long SIGTERM waits for requests in flight before closing their connections (spec §17). */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * The machine process (machine-server.ts: auth_http and the health checks on MACHINE_PORT, without Next), run
 * with this process's loader flags (tsx). It ends itself when this process ends (its IPC channel closes); if
 * it dies first, so does the whole service, non-zero, for the supervisor to restart both (README "The
 * machine process"): one half of the service must not go on alone unnoticed.
 */
function startMachineProcess(): { child: ChildProcess; listening(): boolean } {
  let listening = false;
  // Not the gate token: no Next.js runs there to receive it, and a secret goes only where it is used.
  const childEnv = { ...process.env, PORTCULLIS_GATE_TOKEN: undefined };
  const child = fork(path.join(__dirname, 'machine-server.ts'), dev ? ['--dev'] : [], { execArgv: process.execArgv, env: childEnv, stdio: 'inherit' });
  child.on('message', (message: MachineProcessMessage) => {
    if (message.kind === 'listening') listening = true;
  });
  return { child, listening: () => listening };
}

/** /readyz of the web server: not ready while the machine process (when configured) is not listening. */
function withMachineProcess(inner: ReadinessCheck, machine: { listening(): boolean } | null): ReadinessCheck {
  if (machine === null) return inner;
  const down: Readiness = { ready: false, reason: 'machine_process_unavailable' };
  return { check: () => (machine.listening() ? inner.check() : down), beginShutdown: () => inner.beginShutdown(), close: () => inner.close() };
}

async function main(): Promise<void> {
  let config;
  try {
    config = env();
  } catch (error) {
    fail((error as Error).message);
  }
  await ensurePortFree(config.HOST, config.PORT);
  if (config.MACHINE_PORT !== 0) await ensurePortFree(config.HOST, config.MACHINE_PORT, 'MACHINE_PORT');
  ensureAuthSecret();
  const demoCredentials = await prepareDatabase(listenUrl({ address: config.HOST, port: config.PORT }));
  buildIfNeeded();

  const gateToken = crypto.randomBytes(24).toString('base64url');
  // Read back by lib/net/request-address.ts; set before Next loads so every bundle sees it.
  process.env.PORTCULLIS_GATE_TOKEN = gateToken;
  const trusted = config.TRUSTED_PROXIES.length > 0 ? compileAllowlist(config.TRUSTED_PROXIES) : null;
  const metricsAllow = compileAllowlist(config.METRICS_ALLOW);
  const target = databaseTarget(config);
  let stopping = false;
  // Started once the database is migrated; its own readiness covers its own database connection.
  const machine = config.MACHINE_PORT !== 0 ? startMachineProcess() : null;
  machine?.child.once('exit', (code, signal) => {
    if (!stopping) fail(`the machine process (MACHINE_PORT ${config.MACHINE_PORT}) exited (${signal ?? `code ${code}`}); stopping the whole service`);
  });
  const databaseReadiness = withMachineProcess(readinessFor(target), machine);

  const app = next({ dev, hostname: config.HOST, port: config.PORT, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();
  // From here on the shared prototypes cannot gain a property, and a changed one turns /readyz to 503
  // (lib/ops/prototype-guard.ts, spec §23). Development leaves them extensible for hot reloading.
  const guard = installPrototypeGuard({ seal: !dev });
  const readiness = guardedReadiness(databaseReadiness, guard, (changes) =>
    log().error({ changes }, `a shared prototype was changed (${changes.join(', ')}): prototype pollution; /readyz answers 503 until restarted`),
  );
  setInterval(() => readiness.verify(), PROTOTYPE_CHECK_MS).unref();

  const server = createServer((req, res) => {
    drain.track(req, res);
    keepConnectionUsable(req, res);
    const peer = req.socket.remoteAddress;
    if (isReentrant(req, peer, gateToken)) {
      // Next.js renders a server action's redirect target by fetching it from this same server, passing on
      // the original request's headers: keep the decision made for the real client.
      void handle(req, res);
      return;
    }
    const started = performance.now();
    const { address, https } = admitRequest(req, trusted);
    passDecision(req, address, https ? 'https' : 'http', gateToken);
    const requestId = newRequestId();
    const pathname = pathnameOf(req.url);
    res.setHeader('X-Request-Id', requestId);
    res.once('close', () => logRequest({ requestId, method: req.method, pathname, status: res.statusCode, started, clientIp: address, completed: res.writableFinished }, res));
    withRequestContext({ requestId }, () => {
      // auth_http, JSON-RPC, health, readiness and metrics from their table; everything else is Next's.
      if (!serveMachineEndpoint(pathname, req, res, { readiness, metricsAllow, clientAddress: address })) void handle(req, res);
    });
  });
  server.keepAliveTimeout = 65_000;
  const drain = drainable(server);

  server.on('error', (error: NodeJS.ErrnoException) => fail(listenFailure(error, config.HOST, config.PORT)));
  server.listen(config.PORT, config.HOST, () => {
    const url = listenUrl(server.address() as AddressInfo);
    log().info({ url, dev }, `listening on ${url}${dev ? ' (development)' : ''}`);
    // Plain text for the person who ran `npm start`, after everything else (a first build's output);
    // demo passwords are public by design and go to the console only, never into the JSON log.
    if (demoCredentials) {
      // The log is written in blocks: flush it first, so that the credentials come after the listening line.
      flushLog();
      console.log(`\n${demoCredentials}\n`);
    }
    // The scheduled jobs (lib/schedule/registry.ts: mail disconnects, expiry sweep, password expiry, retention,
    // alerts), started here directly; and whatever the route bundles registered.
    startJobs();
    if (!stopping) {
      log().info({ jobs: startBackgroundWork() }, 'background work started');
    }
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    readiness.beginShutdown();
    log().info({ signal, inFlight: drain.inFlight }, `${signal}: not ready, no new connections; draining requests in flight`);
    // The machine process drains and flushes its own sign-in counts; this one waits for it before exiting.
    const machineExited = machine && machine.child.exitCode === null ? new Promise((resolve) => machine.child.once('exit', resolve)) : null;
    machine?.child.kill('SIGTERM');
    void drain.drain(DRAIN_TIMEOUT_MS).then(async (outcome) => {
      await machineExited;
      // Flushes the sign-in summaries of this process and of every route bundle (lib/sign-in-summaries).
      await stopBackgroundWork();
      readiness.close();
      await closeSharedEngine();
      log().info({ outcome }, outcome === 'drained' ? 'drained; database closed; exiting' : `requests still running after ${DRAIN_TIMEOUT_MS / 1000} s were cut off; database closed; exiting`);
      flushLog();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();

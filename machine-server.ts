/**
 * The machine process: nginx's `auth_http` and the health checks on MACHINE_PORT, in a process that loads
 * the machine endpoints' domain code and nothing of Next.js (spec §19, issue 21). A warm mail login is a
 * fraction of a millisecond of work; in the web server's process it also pays for Next's process-wide
 * machinery, so it costs less CPU here (docs/performance.md has the figures).
 *
 * server.ts starts it (`npm start` stays one command) once the database is migrated, with an IPC channel:
 * the process reports when it listens, and ends when server.ts ends (SIGTERM, or the channel closing
 * because server.ts died). It decides the client address exactly as server.ts does (TRUSTED_PROXIES,
 * lib/net/client-address.ts) and removes the same client-supplied internal headers; it has no gate token
 * because no Next.js runs here to receive one. JSON-RPC and every page stay on PORT (lib/machine-endpoints/table.ts).
 */
// lib/env goes first: it sizes libuv's thread pool (bcrypt of first logins), as in server.ts.
import { env } from './lib/env';
// Before any module of the app: lets this process load code marked `server-only` (see there).
import './lib/ops/outside-next';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeSharedEngine } from './db/connection';
import { databaseTarget } from './db/engine';
import { readinessFor } from './db/readiness';
import { flushLog, log, withRequestContext } from './lib/log';
import { serveMachineEndpoint } from './lib/machine-endpoints/table';
import { compileAllowlist } from './lib/net/allowlist';
import { admitRequest } from './lib/net/admit-request';
import { keepConnectionUsable } from './lib/net/unread-body';
import { startBackgroundWork, stopBackgroundWork } from './lib/ops/background';
import { drainable } from './lib/ops/drain';
import { listenUrl } from './lib/ops/listen-url';
import { guardedReadiness, installPrototypeGuard } from './lib/ops/prototype-guard';
import { logRequest, newRequestId, pathnameOf } from './lib/ops/request-log';

/** What the machine process tells server.ts over the IPC channel. */
export type MachineProcessMessage = { kind: 'listening'; url: string };

const dev = process.argv.includes('--dev');

/** Same spans as server.ts: prototype canary between /readyz checks, drain deadline at SIGTERM (spec §17). */
const PROTOTYPE_CHECK_MS = 5_000;
const DRAIN_TIMEOUT_MS = 10_000;

function fail(message: string): never {
  flushLog();
  console.error(`portcullis (machine process): ${message}`);
  process.exit(1);
}

function main(): void {
  let config;
  try {
    config = env();
  } catch (error) {
    fail((error as Error).message);
  }
  if (config.MACHINE_PORT === 0) fail('MACHINE_PORT is not set');
  const trusted = config.TRUSTED_PROXIES.length > 0 ? compileAllowlist(config.TRUSTED_PROXIES) : null;
  const metricsAllow = compileAllowlist(config.METRICS_ALLOW);
  // Loaded by now (static imports): from here on the shared prototypes cannot gain a property (spec §23).
  const guard = installPrototypeGuard({ seal: !dev });
  const readiness = guardedReadiness(readinessFor(databaseTarget(config)), guard, (changes) =>
    log().error({ changes }, `a shared prototype was changed (${changes.join(', ')}): prototype pollution; /readyz answers 503 until restarted`),
  );
  setInterval(() => readiness.verify(), PROTOTYPE_CHECK_MS).unref();

  const server = createServer((req, res) => {
    drain.track(req, res);
    keepConnectionUsable(req, res);
    const started = performance.now();
    const { address } = admitRequest(req, trusted);
    const requestId = newRequestId();
    const pathname = pathnameOf(req.url);
    res.setHeader('X-Request-Id', requestId);
    res.once('close', () => logRequest({ requestId, method: req.method, pathname, status: res.statusCode, started, clientIp: address, completed: res.writableFinished }, res));
    withRequestContext({ requestId }, () => {
      if (serveMachineEndpoint(pathname, req, res, { readiness, metricsAllow, clientAddress: address }, true)) return;
      // Pages and JSON-RPC are the web server's (PORT).
      const body = 'Not found\n';
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  const drain = drainable(server);

  server.on('error', (error: NodeJS.ErrnoException) =>
    fail(error.code === 'EADDRINUSE' ? `port ${config.MACHINE_PORT} on ${config.HOST} is already in use: stop that server or set MACHINE_PORT to a free port` : `cannot listen on ${config.HOST}:${config.MACHINE_PORT}: ${error.message}`),
  );
  server.listen(config.MACHINE_PORT, config.HOST, () => {
    const url = listenUrl(server.address() as AddressInfo);
    log().info({ url, machineProcess: true }, `machine endpoints (auth_http, /healthz, /readyz, /metrics) listening on ${url}`);
    // The sign-in summaries of this process's mail logins are flushed by its own background work.
    if (!stopping) startBackgroundWork();
    const listening: MachineProcessMessage = { kind: 'listening', url };
    process.send?.(listening);
  });

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    readiness.beginShutdown();
    log().info({ reason, inFlight: drain.inFlight, machineProcess: true }, `${reason}: machine process draining requests in flight`);
    void drain.drain(DRAIN_TIMEOUT_MS).then(async (outcome) => {
      // The counts of warm mail logins held in memory (lib/sign-in-summaries) are written before exiting.
      await stopBackgroundWork();
      readiness.close();
      await closeSharedEngine();
      log().info({ outcome, machineProcess: true }, 'machine process drained; database closed; exiting');
      flushLog();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // server.ts ended without a signal reaching this process (killed, or crashed): do not serve on alone.
  process.on('disconnect', () => stop('web server gone'));
}

main();

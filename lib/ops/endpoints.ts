// Not marked `server-only`: server.ts answers these before Next's request handling, so that a load balancer
// and Prometheus get an answer even while the app itself is busy or wedged.
import type { ServerResponse } from 'node:http';
import type { Allowlist } from '@/lib/net/allowlist';
import { parseAddress } from '@/lib/net/allowlist';
import type { Readiness, ReadinessCheck } from '../../db/readiness';
import { metricsText } from './metrics';

export interface OpsContext {
  readiness: ReadinessCheck;
  /** METRICS_ALLOW, compiled. */
  metricsAllow: Allowlist;
  /** The client address decided for this request (lib/net/client-address.ts). */
  clientAddress: string | null;
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Answers GET/HEAD /healthz, /readyz and /metrics (spec §17); returns false for every other request. /metrics
 * is 404 (as if it did not exist) for an address that METRICS_ALLOW does not admit.
 */
export function serveOpsEndpoint(pathname: string, method: string | undefined, res: ServerResponse, ctx: OpsContext): boolean {
  if (pathname !== '/healthz' && pathname !== '/readyz' && pathname !== '/metrics') return false;
  if (pathname === '/metrics' && !ctx.metricsAllow.allows(parseAddress(ctx.clientAddress))) {
    send(res, 404, 'Not found\n');
    return true;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'Method not allowed\n');
    return true;
  }
  if (pathname === '/healthz') {
    send(res, 200, 'ok\n');
  } else if (pathname === '/readyz') {
    const answer = (state: Readiness) => send(res, state.ready ? 200 : 503, state.ready ? 'ready\n' : `not ready: ${state.reason}\n`);
    const state = ctx.readiness.check();
    // SQLite answers synchronously; PostgreSQL's check is a query.
    if (state instanceof Promise) void state.then(answer);
    else answer(state);
  } else {
    metricsText().then(
      ({ contentType, body }) => send(res, 200, body, contentType),
      () => send(res, 500, 'metrics unavailable\n'),
    );
  }
  return true;
}

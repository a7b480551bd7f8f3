import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '@/lib/log';
import { answerMailAuth } from '@/lib/mail-auth/handler';
import { serveRpcRequest } from '@/lib/rpc/endpoint';
import { serveOpsEndpoint, type OpsContext } from '@/lib/ops/endpoints';
import { nodeHeaders } from '@/lib/ops/node-headers';
import { countedNotLogged } from '@/lib/ops/request-log';

/**
 * The machine endpoints: what nginx, API clients, load balancers and Prometheus call. server.ts answers
 * them from this table, before and without Next.js (routing, the web Request and Response objects,
 * rendering), in development and production alike: the one entry path of each (spec §23). Every other
 * path goes to Next. Adding one is one row here.
 */
export interface MachineEndpoint {
  /** Exact paths (no trailing-slash magic: list both spellings where both are offered). */
  paths: readonly string[];
  /** Methods served; any other is 405 with Allow. `null`: the handler answers every method itself. */
  methods: readonly string[] | null;
  serve(req: IncomingMessage, res: ServerResponse, ctx: OpsContext): void;
  /**
   * Also answered by the machine process (machine-server.ts, on MACHINE_PORT). JSON-RPC is not: its calls take
   * turns with the rest of the web server's work (`ownTurn` in lib/rpc/endpoint.ts), which only holds within
   * the web server's process.
   */
  machineProcess: boolean;
}

/** nginx mail proxy `auth_http` (spec §10; docs/imap.md). */
function serveMailAuth(req: IncomingMessage, res: ServerResponse): void {
  answerMailAuth(nodeHeaders(req)).then(
    (answer) => {
      // A warm success the sign-in summaries count has no request log line (lib/ops/request-log.ts).
      if (answer.repeat) countedNotLogged(res);
      // The answer's headers are its own (built per request): completed in place rather than copied.
      answer.headers['Content-Length'] = String(Buffer.byteLength(answer.body));
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    },
    (error: unknown) => {
      log().error({ err: error, route: 'mail_auth' }, 'auth_http request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
    },
  );
}

export const MACHINE_ENDPOINTS: readonly MachineEndpoint[] = [
  { paths: ['/api/mail-auth'], methods: ['GET'], serve: serveMailAuth, machineProcess: true },
  // JSON-RPC 2.0 (spec §9), POST only; both paths are offered.
  { paths: ['/v1', '/v1/', '/api/v1', '/api/v1/'], methods: ['POST'], serve: serveRpcRequest, machineProcess: false },
  // Spec §17; serveOpsEndpoint answers the methods and METRICS_ALLOW itself.
  { paths: ['/healthz', '/readyz', '/metrics'], methods: null, serve: (req, res, ctx) => void serveOpsEndpoint(new URL(req.url ?? '/', 'http://x').pathname, req.method, res, ctx), machineProcess: true },
];

// Keyed by the request's path: Maps, never objects. One for the web server, one for the machine process.
const pathsOf = (endpoints: readonly MachineEndpoint[]) => new Map<string, MachineEndpoint>(endpoints.flatMap((e) => e.paths.map((p) => [p, e] as const)));
const byPath = pathsOf(MACHINE_ENDPOINTS);
const machineProcessByPath = pathsOf(MACHINE_ENDPOINTS.filter((e) => e.machineProcess));

/**
 * Answers the request if its path is a machine endpoint's and returns true; false for everything else. The
 * machine process (`machineProcess: true`) answers only the rows marked for it.
 */
export function serveMachineEndpoint(pathname: string, req: IncomingMessage, res: ServerResponse, ctx: OpsContext, machineProcess = false): boolean {
  const endpoint = (machineProcess ? machineProcessByPath : byPath).get(pathname);
  if (endpoint === undefined) return false;
  if (endpoint.methods !== null && !endpoint.methods.includes(req.method ?? '')) {
    const body = 'Method not allowed\n';
    res.writeHead(405, { Allow: endpoint.methods.join(', '), 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
  endpoint.serve(req, res, ctx);
  return true;
}

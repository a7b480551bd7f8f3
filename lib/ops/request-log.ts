// Not marked `server-only`: used by server.ts for every request.
import crypto from 'node:crypto';
import { log } from '@/lib/log';
import { observeRequest, routeGroup } from './metrics';

// A per-process random prefix and a counter: unique, cheap, and not guessable across restarts.
const prefix = crypto.randomBytes(6).toString('base64url');
let counter = 0;

/** A new request id (also sent back as X-Request-Id). */
export function newRequestId(): string {
  return `${prefix}-${(++counter).toString(36)}`;
}

/**
 * The path of a request target, without the query string: queries can carry search terms and return
 * addresses that do not belong in a log, and the path is what a reader follows.
 */
export function pathnameOf(url: string | undefined): string {
  const target = url ?? '/';
  const end = target.search(/[?#]/);
  return (end < 0 ? target : target.slice(0, end)).slice(0, 300);
}

export interface RequestLogEntry {
  requestId: string;
  method: string | undefined;
  pathname: string;
  status: number;
  /** performance.now() when the request arrived. */
  started: number;
  clientIp: string | null;
  /** false when the connection closed before the response was complete. */
  completed: boolean;
}

// Responses whose request gets no log line (countedNotLogged). A WeakSet: nothing outlives its response.
const notLogged = new WeakSet<object>();

/**
 * Leaves this response's request out of the request log (its duration still goes to the histogram): for a
 * warm mail login the sign-in summaries count (lib/sign-in-summaries), where one line per reconnect of every
 * mail app was most of the log and ≈ 30 µs of each login's CPU. Only for successes: a failure or refusal
 * is always logged.
 */
export function countedNotLogged(res: object): void {
  notLogged.add(res);
}

/**
 * One JSON line per request (static assets at debug level, responses marked countedNotLogged none) and the
 * request-duration histogram. `res`: the response, to see whether it was marked.
 */
export function logRequest(e: RequestLogEntry, res?: object): void {
  const seconds = (performance.now() - e.started) / 1000;
  const route = routeGroup(e.pathname);
  observeRequest(route, e.method, e.status, seconds);
  if (res !== undefined && notLogged.has(res)) return;
  const line = {
    kind: 'request',
    requestId: e.requestId,
    method: e.method,
    route,
    path: e.pathname,
    status: e.status,
    durationMs: Math.round(seconds * 10_000) / 10,
    clientIp: e.clientIp,
    ...(e.completed ? {} : { aborted: true }),
  };
  if (route === 'static') log().debug(line, 'request');
  else log().info(line, 'request');
}

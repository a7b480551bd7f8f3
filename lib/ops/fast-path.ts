// Not marked `server-only`: server.ts looks handlers up here; route modules register them.
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Machine endpoints that server.ts serves without Next.js's request handling (routing, the web Request
 * and Response objects, rendering): nginx's auth_http carries every mail-client login, and Next's
 * machinery cost several times the sign-in check itself (docs/performance.md).
 *
 * The handler is the same code the Next.js route runs: the route module registers it when it loads, and
 * server.ts loads the route once at start. A path without a registered handler goes through Next.js as
 * usual, so the answer is the same either way; only the cost differs.
 */
export type FastHandler = (req: IncomingMessage, res: ServerResponse) => void;

// The route bundle and server.ts each have their own copy of this module: the table lives on globalThis.
// It holds functions, registered once per process at module load; nothing in it can go stale.
const holder = globalThis as unknown as { portcullisFastPaths?: Map<string, FastHandler> };

/** Registers the handler of one method for an exact path (other methods go through Next.js). */
export function registerFastPath(pathname: string, handler: FastHandler, method: 'GET' | 'POST' = 'GET'): void {
  (holder.portcullisFastPaths ??= new Map()).set(`${method} ${pathname}`, handler);
}

/** The registered handler for the method and path, if any. */
export function fastPath(method: string | undefined, pathname: string): FastHandler | undefined {
  return method === 'GET' || method === 'POST' ? holder.portcullisFastPaths?.get(`${method} ${pathname}`) : undefined;
}

/** Request headers in the shape the domain code reads (`get`, case-insensitive, duplicates joined like Headers). */
export function nodeHeaders(req: IncomingMessage): { get(name: string): string | null } {
  return {
    get(name: string) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

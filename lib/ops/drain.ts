// Not marked `server-only`: used by server.ts only.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Graceful shutdown of an HTTP server (spec §17): stop accepting connections, let the requests in flight
 * finish (up to a deadline), then close what is left. Requests that arrive meanwhile on connections that
 * were already open are still answered, with `Connection: close`, so that no client loses a request it had
 * already sent.
 */
export interface Drain {
  /** Call for every request as it arrives. */
  track(req: IncomingMessage, res: ServerResponse): void;
  /** Whether shutdown has begun. */
  readonly draining: boolean;
  /** Requests being served now. */
  readonly inFlight: number;
  /** Stops the listener and resolves once every request is done ("drained") or at the deadline ("timeout"). */
  drain(timeoutMs: number): Promise<'drained' | 'timeout'>;
}

export function drainable(server: Server): Drain {
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | null = null;
  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    track(_req, res) {
      inFlight++;
      if (draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        inFlight--;
        if (!draining) return;
        // A keep-alive connection whose request just finished would otherwise stay open until its timeout.
        server.closeIdleConnections();
        if (inFlight === 0) idle?.();
      });
    },
    drain(timeoutMs) {
      draining = true;
      // Closes the listening socket (new connections are refused) and the idle keep-alive connections.
      server.close();
      if (inFlight === 0) return Promise.resolve('drained');
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve('timeout');
        }, timeoutMs);
        timer.unref();
        idle = () => {
          clearTimeout(timer);
          resolve('drained');
        };
      });
    },
  };
}

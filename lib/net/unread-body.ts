import type { IncomingMessage, ServerResponse } from 'node:http';

/** At most this much of an unread request body is read and discarded to keep its connection; beyond, it is closed. */
export const MAX_DISCARDED_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Keeps a keep-alive connection usable after a request that was answered before its body was read (a 413
 * for an oversized JSON-RPC body, a refused content type: spec §12). Node only discards such a body itself
 * when nobody started reading it; once the handler has read part of it (a chunked body, which it must count
 * to refuse) and stopped, the parser stays paused and the next request on the connection is never
 * answered. Called by server.ts for every request: after the response, the rest of the body is read and
 * discarded up to MAX_DISCARDED_BODY_BYTES; a body declared larger than that is answered with
 * `Connection: close` instead, and one that turns out larger closes the connection.
 */
export function keepConnectionUsable(req: IncomingMessage, res: ServerResponse, maxDiscard = MAX_DISCARDED_BODY_BYTES): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxDiscard) {
    // Known before any answer: say so in the response, so the client does not reuse the connection.
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      if (!req.complete) this.setHeader('connection', 'close');
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
  }
  res.once('finish', () => {
    if (req.complete || req.destroyed) return;
    let discarded = 0;
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > maxDiscard) req.socket.destroy();
    });
    req.resume();
  });
}

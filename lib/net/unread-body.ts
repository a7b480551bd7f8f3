import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** At most this much of an unread request body is read and discarded to keep its connection; beyond, it is closed. */
export const MAX_DISCARDED_BODY_BYTES = 8 * 1024 * 1024;

const DISCARDING = Symbol('portcullis.discarding');
type DiscardingSocket = Socket & { [DISCARDING]?: (chunk: Buffer) => void };

/**
 * Keeps a keep-alive connection usable after a request that was answered before its body was read (a 413
 * for an oversized JSON-RPC body, a refused content type: spec §12). Node discards such a body itself only
 * when nobody started reading it. Once a handler has read part of it (a chunked body, which it must count
 * to refuse) and stopped, or destroyed the request, the socket stays paused with the rest of the body
 * unread, and the next request on the connection is never answered. Called by server.ts for every request:
 * after the response, the rest of the body is read and discarded, up to MAX_DISCARDED_BODY_BYTES; a body
 * declared larger than that is answered with `Connection: close`, and one that turns out larger closes the
 * connection.
 */
export function keepConnectionUsable(req: IncomingMessage, res: ServerResponse, maxDiscard = MAX_DISCARDED_BODY_BYTES): void {
  const socket = req.socket as DiscardingSocket;
  // A new request was parsed on this connection, so the previous body has been read to its end.
  const previous = socket[DISCARDING];
  if (previous) {
    socket.off('data', previous);
    delete socket[DISCARDING];
  }
  const declared = Number(req.headers['content-length']);
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    // Answered before the body was read, and the rest cannot be discarded (a request the handler destroyed,
    // or a declared body too large to read): say so, so that the client does not reuse the connection.
    if (!req.complete && (req.destroyed || (Number.isFinite(declared) && declared > maxDiscard))) this.setHeader('connection', 'close');
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
  res.once('finish', () => {
    if (req.complete || socket.destroyed) return;
    let discarded = 0;
    const count = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > maxDiscard) socket.destroy();
    };
    if (req.destroyed) {
      // Answered with Connection: close (above): read what the client is still sending for a moment, so the
      // close does not reset the connection before the client has read the answer.
      socket[DISCARDING] = count;
      socket.on('data', count);
      socket.resume();
      setTimeout(() => socket.destroy(), 2_000).unref();
      return;
    }
    req.on('data', count);
    // A consumer that stopped reading leaves the stream nominally flowing with a full buffer and the socket
    // paused: pausing and resuming restarts the flow, which empties the buffer and resumes the socket.
    req.pause();
    req.resume();
  });
}

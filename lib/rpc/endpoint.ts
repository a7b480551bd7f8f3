import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '@/lib/log';
import { nodeHeaders } from '@/lib/ops/node-headers';
import { RpcContext } from './context';
import { dispatch } from './dispatch';
import { errorResponse, parseBody } from './envelope';
import { RpcCode, RpcError } from './errors';

/** Largest request body accepted: room for a full batch of 1,000 calls with long allow_nets lists. */
export const MAX_BODY_BYTES = 1024 * 1024;

const TOO_LARGE = new RpcError(
  RpcCode.InvalidRequest,
  `Invalid request: the body is larger than ${MAX_BODY_BYTES.toLocaleString('en-US')} bytes (1 MiB); split the batch into several requests`,
);

/** An answer in the shape both servers write: Next's Response (handleRpcRequest) and node's (serveRpcRequest). */
interface RpcHttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

type HeaderSource = { get(name: string): string | null };

const jsonText = (status: number, body: string): RpcHttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body,
});

const json = (status: number, body: unknown): RpcHttpAnswer => jsonText(status, JSON.stringify(body));

// A leading byte-order mark (some Windows tools write one) is not JSON; drop it rather than fail.
const bodyText = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');

/** The body as text, or null once it passes MAX_BODY_BYTES (declared or actually sent). */
async function readBody(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return bodyText(chunks);
}

/**
 * readBody for node's request (server.ts's fast path): the same limits. Past the limit it stops listening;
 * server.ts (keepConnectionUsable) reads and discards the rest after the answer, so the connection stays usable.
 */
function readNodeBody(req: IncomingMessage): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (finish: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      finish();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) done(() => resolve(null));
      else chunks.push(chunk);
    };
    const onEnd = () => done(() => resolve(bodyText(chunks)));
    const onError = (error: Error) => done(() => reject(error));
    const onClose = () => done(() => reject(new Error('the request ended before its body was complete')));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

const INTERNAL_ERROR = new RpcError(RpcCode.InternalError, 'Internal error');

/** The answer to a request that failed outside any one call (a bug): -32603 as JSON-RPC, never a stack trace. */
function internalError(error: unknown): RpcHttpAnswer {
  log().error({ err: error, route: 'rpc' }, 'JSON-RPC request failed');
  return json(500, errorResponse(null, INTERNAL_ERROR));
}

/** Everything after reading the body: the same for both servers. */
async function answer(text: string | null, headers: HeaderSource): Promise<RpcHttpAnswer> {
  if (text === null) return json(413, errorResponse(null, TOO_LARGE));
  try {
    const result = await dispatch(parseBody(text), RpcContext.fromHeaders(headers));
    return result === null ? { status: 204, headers: { 'cache-control': 'no-store' }, body: null } : jsonText(200, result);
  } catch (error) {
    return internalError(error);
  }
}

/**
 * The JSON-RPC endpoint behind POST /v1/ and POST /api/v1: read the body (at most 1 MiB: larger is HTTP
 * 413 with a JSON-RPC error), parse the envelope, dispatch, answer (at most MAX_ANSWER_BYTES). Every
 * JSON-RPC answer, errors included, is HTTP 200; a body of notifications only is HTTP 204 with no body; a
 * failure outside any one call (a bug) is HTTP 500 with a -32603 answer, and logged.
 */
export async function handleRpcRequest(request: Request): Promise<Response> {
  const { status, headers, body } = await answer(await readBody(request), request.headers);
  return new Response(body, { status, headers });
}

/**
 * The same endpoint on node's request and response, for server.ts's machine-endpoint table (lib/machine-endpoints/table.ts): a
 * flood of cheap calls (throttled `auth`) must not cost Next's request handling each (docs/performance.md).
 */
/*
 * API requests take turns with everything else: each one's work starts in an event-loop turn of its own.
 * A client (or a flood of refused `auth` calls, spec §12) sends its requests in bursts; answered as they
 * arrive, a burst of a hundred runs back to back and every page render that came in with it waits for
 * all of them. One per turn, a render's next step (its I/O, its timers) runs between two of them.
 */
const turns: (() => void)[] = [];
let taking = false;

function takeTurn(): void {
  turns.shift()?.();
  if (turns.length > 0) setImmediate(takeTurn);
  else taking = false;
}

function ownTurn(): Promise<void> {
  return new Promise((resolve) => {
    turns.push(resolve);
    if (!taking) {
      taking = true;
      setImmediate(takeTurn);
    }
  });
}

export function serveRpcRequest(req: IncomingMessage, res: ServerResponse): void {
  readNodeBody(req)
    .then(async (text) => {
      await ownTurn();
      return answer(text, nodeHeaders(req));
    })
    .then(
      ({ status, headers, body }) => {
        res.writeHead(status, body === null ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) });
        res.end(body ?? undefined);
      },
      (error: unknown) => {
        // Only a client that went away (or an answer already written) leaves no one to tell. Not
        // `req.destroyed`: node destroys the request once its body has been read, so that would swallow
        // every error after reading, unanswered and unlogged.
        if (res.writableEnded || res.destroyed) return;
        const { status, headers, body } = internalError(error);
        if (!res.headersSent) res.writeHead(status, headers);
        res.end(body);
      },
    );
}

import 'server-only';
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

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

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
  // A leading byte-order mark (some Windows tools write one) is not JSON; drop it rather than fail.
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * The JSON-RPC endpoint behind POST /v1/ and POST /api/v1: read the body (at most 1 MiB: larger is HTTP
 * 413 with a JSON-RPC error), parse the envelope, dispatch, answer. Every JSON-RPC answer, errors
 * included, is HTTP 200; a body of notifications only is HTTP 204 with no body.
 */
export async function handleRpcRequest(request: Request): Promise<Response> {
  const text = await readBody(request);
  if (text === null) return json(413, errorResponse(null, TOO_LARGE));
  const answer = await dispatch(parseBody(text), RpcContext.fromHeaders(request.headers));
  return answer === null ? new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } }) : json(200, answer);
}

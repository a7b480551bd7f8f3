import { findForbiddenKey } from '@/lib/forbidden-keys';
import { RpcCode, RpcError, type RpcErrorObject } from './errors';

/**
 * JSON-RPC 2.0 envelopes: parsing a request body into calls, and the response objects. Pure functions
 * (no database, no session), so the protocol rules are tested on their own.
 */

export const MAX_BATCH_CALLS = 1000;

export type RpcId = string | number | null;

export interface RpcCall {
  method: string;
  /** As sent; `undefined` when the member was absent. Checked by the dispatcher, which answers -32602. */
  params: unknown;
  /** Absent for a notification: it is executed but gets no response. */
  id?: RpcId;
  notification: boolean;
}

export type RpcResponse = { jsonrpc: '2.0'; result: unknown; id: RpcId } | { jsonrpc: '2.0'; error: RpcErrorObject; id: RpcId };

/** One element of a body: a call to execute, or an invalid request already answered. */
export type RpcEntry = { kind: 'call'; call: RpcCall } | { kind: 'invalid'; response: RpcResponse };

export type ParsedBody =
  /** The whole body is answered with one error (parse error, empty or oversized batch). */
  | { kind: 'error'; response: RpcResponse }
  | { kind: 'single'; entry: RpcEntry }
  | { kind: 'batch'; entries: RpcEntry[] };

export function resultResponse(id: RpcId, result: unknown): RpcResponse {
  return { jsonrpc: '2.0', result, id };
}

export function errorResponse(id: RpcId, error: RpcError): RpcResponse {
  return { jsonrpc: '2.0', error: error.toJSON(), id };
}

function isId(value: unknown): value is RpcId {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function invalid(id: RpcId, message: string): RpcEntry {
  return { kind: 'invalid', response: errorResponse(id, new RpcError(RpcCode.InvalidRequest, `Invalid request: ${message}`)) };
}

/**
 * Checks one request object. Anything that is not a well-formed request gets an Invalid Request answer
 * (with its id when the id itself is usable, else null), even without an id: JSON-RPC 2.0 only spares
 * well-formed notifications a response. `mayNameKeys: false` (the body's text spells no prototype key) skips
 * looking for one.
 */
export function parseCall(value: unknown, mayNameKeys = true): RpcEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(null, 'expected a request object');
  const request = value as Record<string, unknown>;
  const hasId = Object.hasOwn(request, 'id');
  if (hasId && !isId(request.id)) return invalid(null, '"id" must be a string, a number or null');
  const id = hasId ? (request.id as RpcId) : null;
  if (request.jsonrpc !== '2.0') return invalid(id, '"jsonrpc" must be exactly "2.0"');
  if (typeof request.method !== 'string' || request.method === '') return invalid(id, '"method" must be a non-empty string');
  // JSON.parse keeps "__proto__" as an own key; a later spread or merge of params would make it a prototype.
  // Refused wherever it sits (nested params and list entries too), before any method sees the call.
  const forbidden = mayNameKeys ? findForbiddenKey(request) : null;
  if (forbidden !== null) {
    const key = forbidden.slice(forbidden.lastIndexOf('.') + 1);
    // The path is made of the caller's own keys; a long one is cut to its end, which names the key.
    const where = forbidden.length > 200 ? `…${forbidden.slice(-200)}` : forbidden;
    const message = `the key "${key}" (at ${where}) is not accepted`;
    if (!forbidden.startsWith('params.')) return invalid(id, message);
    return { kind: 'invalid', response: errorResponse(id, new RpcError(RpcCode.InvalidParams, `Invalid params: ${message}`, { field: forbidden })) };
  }
  return {
    kind: 'call',
    call: { method: request.method, params: request.params, ...(hasId ? { id } : {}), notification: !hasId },
  };
}

const MAY_NAME_KEYS = /__proto__|constructor|prototype|\\u/;

/** Parses a whole request body: one call, or a batch of at most MAX_BATCH_CALLS. */
export function parseBody(text: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Only the position is passed on: V8's message may quote the body, and a body can hold a password.
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const where = position !== undefined ? ` (at character ${position})` : text.trim() === '' ? ' (the body is empty)' : '';
    return { kind: 'error', response: errorResponse(null, new RpcError(RpcCode.ParseError, `Parse error: the request body is not valid JSON${where}`)) };
  }
  // JSON can spell a key only with its own characters or \u escapes: a body with neither spelling cannot
  // hold a prototype key, and the walk (about as long as JSON.parse itself) is skipped.
  const mayNameKeys = MAY_NAME_KEYS.test(text);
  if (!Array.isArray(value)) return { kind: 'single', entry: parseCall(value, mayNameKeys) };
  if (value.length === 0) {
    return { kind: 'error', response: errorResponse(null, new RpcError(RpcCode.InvalidRequest, 'Invalid request: an empty batch')) };
  }
  if (value.length > MAX_BATCH_CALLS) {
    const message = `Invalid request: a batch may hold at most ${MAX_BATCH_CALLS.toLocaleString('en-US')} calls (this one has ${value.length.toLocaleString('en-US')}); split it into several requests`;
    return { kind: 'error', response: errorResponse(null, new RpcError(RpcCode.InvalidRequest, message)) };
  }
  return { kind: 'batch', entries: value.map((v) => parseCall(v, mayNameKeys)) };
}

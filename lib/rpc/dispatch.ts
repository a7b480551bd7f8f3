import 'server-only';
import type { ApiSession } from '@/lib/session/api-session';
import type { RpcContext } from './context';
import { betweenCalls, byteSize, MAX_ANSWER_BYTES, resultWithin } from './bounded-answer';
import { errorResponse, type ParsedBody, type RpcCall, type RpcEntry, type RpcResponse } from './envelope';
import { RpcCode, RpcError, toRpcError } from './errors';
import { notPermitted, type RpcMethod } from './method';
import { methodTable } from './method-table';

const MAX_ANSWER_MIB = MAX_ANSWER_BYTES / (1024 * 1024);

function describeMethod(name: string): string {
  return JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}

/** `params` must be absent or an object whose keys the method knows; positional (array) params are not supported. */
function namedParams(call: RpcCall, method: RpcMethod): Record<string, unknown> {
  if (call.params === undefined) return {};
  if (typeof call.params !== 'object' || call.params === null || Array.isArray(call.params)) {
    throw new RpcError(RpcCode.InvalidParams, 'Invalid params: "params" must be an object of named parameters', { field: 'params' });
  }
  const params = call.params as Record<string, unknown>;
  const unknown = Object.keys(params).filter((key) => !method.paramNames.includes(key));
  if (unknown.length > 0) {
    const accepted = method.paramNames.length > 0 ? `${call.method} accepts: ${method.paramNames.join(', ')}` : `${call.method} takes no parameters`;
    throw new RpcError(RpcCode.InvalidParams, `Invalid params: unknown parameter${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} (${accepted})`, {
      field: 'params',
      unknown,
      accepted: method.paramNames,
    });
  }
  return params;
}

/**
 * Runs one call: method lookup, then the session and its level (before the parameters, so that an
 * unauthenticated caller learns nothing about them), then the parameters, then the handler.
 */
async function invoke(call: RpcCall, ctx: RpcContext): Promise<unknown> {
  const method = methodTable.get(call.method);
  if (!method) throw new RpcError(RpcCode.MethodNotFound, `Method not found: ${describeMethod(call.method)}`);
  let session: ApiSession | null = null;
  if (method.access !== 'public') {
    session = await ctx.session();
    if (method.access === 'account' && session.level !== 'account') {
      throw notPermitted(`${call.method} needs an account-level session (call auth with an admin's address and password)`);
    }
  }
  return method.run(namedParams(call, method), session, ctx);
}

/** At most this many calls of one batch may hash a password (`password` in mail.add / mail.set). */
export const MAX_PASSWORD_CALLS_PER_BATCH = 20;
const PASSWORD_METHODS = new Set(['mail.add', 'mail.set']);

function setsPassword(call: RpcCall): boolean {
  return PASSWORD_METHODS.has(call.method) && typeof call.params === 'object' && call.params !== null && Object.hasOwn(call.params, 'password');
}

/**
 * Bounded work per request (spec §12): one `auth` per batch (each costs a bcrypt comparison, and a batch
 * must not multiply guesses) and at most MAX_PASSWORD_CALLS_PER_BATCH password-setting calls; the calls
 * beyond are answered -32600 without being run. Decided by position before anything runs.
 */
export function batchRefusals(entries: readonly RpcEntry[]): Map<number, RpcError> {
  const refused = new Map<number, RpcError>();
  let auths = 0;
  let passwords = 0;
  entries.forEach((entry, index) => {
    if (entry.kind !== 'call') return;
    if (entry.call.method === 'auth' && ++auths > 1) {
      refused.set(index, new RpcError(RpcCode.InvalidRequest, 'Invalid request: a batch may hold at most one auth call; send it on its own first'));
    } else if (setsPassword(entry.call) && ++passwords > MAX_PASSWORD_CALLS_PER_BATCH) {
      refused.set(
        index,
        new RpcError(RpcCode.InvalidRequest, `Invalid request: a batch may set at most ${MAX_PASSWORD_CALLS_PER_BATCH} passwords; send the others in later batches`),
      );
    }
  });
  return refused;
}

/** The refusal of a call that comes after a batch's answer has filled MAX_ANSWER_BYTES (spec §23). */
export const BATCH_ANSWER_TOO_LARGE = new RpcError(
  RpcCode.InvalidRequest,
  `Invalid request: batch answer too large (answers are limited to ${MAX_ANSWER_MIB} MiB per request); send this call and the ones after it in another request`,
  { max_bytes: MAX_ANSWER_BYTES },
);

/** The refusal of a single call whose answer alone passes MAX_ANSWER_BYTES. */
export const ANSWER_TOO_LARGE = new RpcError(
  RpcCode.InvalidRequest,
  `Invalid request: answer too large (answers are limited to ${MAX_ANSWER_MIB} MiB per request); ask for less, e.g. a smaller page_size`,
  { max_bytes: MAX_ANSWER_BYTES },
);

const text = (response: RpcResponse): string => JSON.stringify(response);

/**
 * Runs one call and writes its answer in at most `room` bytes: the answer's JSON text, null for a
 * notification (executed all the same), or 'too-large'. A result the JSON encoder cannot write (a BigInt,
 * a cycle) is a bug like any other thrown error: logged and answered -32603.
 */
async function run(call: RpcCall, ctx: RpcContext, room: number): Promise<string | null | 'too-large'> {
  const id = call.id ?? null;
  let written: string | null;
  try {
    const result = await invoke(call, ctx);
    if (call.notification) return null;
    written = await resultWithin(id, result, room);
  } catch (error) {
    const rpcError = toRpcError(error, call.method);
    if (call.notification) return null;
    written = text(errorResponse(id, rpcError));
    if (byteSize(written) > room) written = null;
  }
  return written ?? 'too-large';
}

/**
 * Executes a parsed body and returns the answer's JSON text, or null when nothing is to be sent back (only
 * notifications). Calls of a batch run one after another in order, each its own unit (a failing call does
 * not undo the others), each in an event-loop turn of its own so that no batch holds up the rest of the
 * server (spec §23: /healthz answers within 1 s).
 *
 * The answer is at most `limit` bytes (MAX_ANSWER_BYTES), enforced while it is written: room for every
 * call's refusal (BATCH_ANSWER_TOO_LARGE with its id) is reserved from the start, and each call may use
 * what is left beyond the reservations of the calls after it. The first call whose answer does not fit
 * gets its refusal instead, and so does every call after it, without being run. A call that changes
 * something answers `true`, shorter than its refusal, so it always fits: only reads are ever cut.
 */
export async function dispatch(body: ParsedBody, ctx: RpcContext, limit = MAX_ANSWER_BYTES): Promise<string | null> {
  if (body.kind === 'error') return text(body.response);
  if (body.kind === 'single') {
    const { entry } = body;
    if (entry.kind === 'invalid') return text(entry.response);
    const written = await run(entry.call, ctx, limit);
    return written === 'too-large' ? text(errorResponse(entry.call.id ?? null, ANSWER_TOO_LARGE)) : written;
  }
  const refused = batchRefusals(body.entries);
  // What each entry answers when nothing more fits (null: a notification, which never answers).
  const fallback = body.entries.map((entry, index) => {
    if (entry.kind === 'invalid') return text(entry.response);
    if (entry.call.notification) return null;
    return text(errorResponse(entry.call.id ?? null, refused.get(index) ?? BATCH_ANSWER_TOO_LARGE));
  });
  // Each answer is followed by one byte (a comma, or the closing bracket); the opening bracket comes first.
  let reserved = fallback.reduce((sum, answer) => sum + (answer === null ? 0 : byteSize(answer) + 1), 0);
  let used = 1;
  let full = false;
  const parts: string[] = [];
  for (const [index, entry] of body.entries.entries()) {
    const own = fallback[index] ?? null;
    if (own !== null) reserved -= byteSize(own) + 1;
    let answer = own;
    if (entry.kind === 'call' && !refused.has(index) && !full) {
      if (index > 0) await betweenCalls();
      const written = await run(entry.call, ctx, limit - used - reserved - 1);
      if (written === 'too-large') full = true;
      else answer = written;
    }
    if (answer !== null) {
      parts.push(answer);
      used += byteSize(answer) + 1;
    }
  }
  return parts.length > 0 ? `[${parts.join(',')}]` : null;
}

import 'server-only';
import type { ApiSession } from '@/lib/auth/api-session';
import type { RpcContext } from './context';
import { errorResponse, resultResponse, type ParsedBody, type RpcCall, type RpcEntry, type RpcResponse } from './envelope';
import { RpcCode, RpcError, toRpcError } from './errors';
import { notPermitted, type RpcMethod } from './method';
import { methodTable } from './method-table';

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

/** One entry of a body → its response, or null for a notification (which is executed all the same). */
async function answer(entry: RpcEntry, ctx: RpcContext): Promise<RpcResponse | null> {
  if (entry.kind === 'invalid') return entry.response;
  const { call } = entry;
  try {
    const result = await invoke(call, ctx);
    return call.notification ? null : resultResponse(call.id ?? null, result);
  } catch (error) {
    const rpcError = toRpcError(error, call.method);
    return call.notification ? null : errorResponse(call.id ?? null, rpcError);
  }
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

/**
 * Executes a parsed body. Calls of a batch run one after another in order, each its own unit (a failing
 * call does not undo the others). Returns null when nothing is to be sent back (only notifications).
 */
export async function dispatch(body: ParsedBody, ctx: RpcContext): Promise<RpcResponse | RpcResponse[] | null> {
  if (body.kind === 'error') return body.response;
  if (body.kind === 'single') return answer(body.entry, ctx);
  const responses: RpcResponse[] = [];
  const refused = batchRefusals(body.entries);
  for (const [index, entry] of body.entries.entries()) {
    const refusal = refused.get(index);
    if (refusal && entry.kind === 'call') {
      if (!entry.call.notification) responses.push(errorResponse(entry.call.id ?? null, refusal));
      continue;
    }
    const response = await answer(entry, ctx);
    if (response) responses.push(response);
  }
  return responses.length > 0 ? responses : null;
}

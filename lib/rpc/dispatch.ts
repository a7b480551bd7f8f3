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
    session = ctx.session();
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

/**
 * Executes a parsed body. Calls of a batch run one after another in order, each its own unit (a failing
 * call does not undo the others). Returns null when nothing is to be sent back (only notifications).
 */
export async function dispatch(body: ParsedBody, ctx: RpcContext): Promise<RpcResponse | RpcResponse[] | null> {
  if (body.kind === 'error') return body.response;
  if (body.kind === 'single') return answer(body.entry, ctx);
  const responses: RpcResponse[] = [];
  for (const entry of body.entries) {
    const response = await answer(entry, ctx);
    if (response) responses.push(response);
  }
  return responses.length > 0 ? responses : null;
}

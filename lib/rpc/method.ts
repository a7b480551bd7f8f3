import 'server-only';
import { z } from 'zod';
import type { ApiSession } from '@/lib/session/api-session';
import type { AccountScope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import type { RpcContext } from './context';
import { RpcCode, RpcError } from './errors';

/** Who may call a method: anyone, any session (`account` or `mail` level), or account level only. */
export type Access = 'public' | 'session' | 'account';

export type AccountApiSession = Extract<ApiSession, { level: 'account' }>;
type SessionFor<A extends Access> = A extends 'account' ? AccountApiSession : A extends 'session' ? ApiSession : null;

/** A method as the dispatcher sees it; the table holds these. */
export interface RpcMethod {
  readonly access: Access;
  /** The parameter names the method accepts: anything else is refused with -32602. */
  readonly paramNames: readonly string[];
  run(params: Record<string, unknown>, session: ApiSession | null, ctx: RpcContext): unknown;
}

/**
 * Declares one method: who may call it, its parameters (a zod object built from the shared schemas in
 * lib/mailboxes/schemas.ts) and a handler that calls the domain service. The dispatcher has already
 * checked the session and the access level, so the handler receives the session type it asked for.
 */
export function defineMethod<A extends Access, S extends z.ZodObject>(definition: {
  access: A;
  params: S;
  handle: (params: z.output<S>, session: SessionFor<A>, ctx: RpcContext) => unknown;
}): RpcMethod {
  return {
    access: definition.access,
    paramNames: Object.keys(definition.params.shape),
    run: (params, session, ctx) => definition.handle(parseOrThrow(definition.params, params), session as SessionFor<A>, ctx),
  };
}

/** The account an account-level session may see and change. */
export function scopeOf(session: AccountApiSession): AccountScope {
  return session.scope;
}

/** The audit actor of every change made through an account-level session (spec §9: actor `api`). */
export function changeContext(session: AccountApiSession, ctx: RpcContext) {
  return ctx.audit({ kind: 'api', id: session.admin.id, email: session.admin.email });
}

/** A string parameter that says whether it was missing or of the wrong type. */
export function stringParam(max: number) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .max(max, `must be at most ${max} characters`);
}

/** Refusal for a call the session's level does not allow. */
export function notPermitted(message: string): RpcError {
  return new RpcError(RpcCode.AccessDenied, `Not permitted: ${message}`);
}

import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, ValidationError } from '@/lib/errors';

/** The error codes of spec §9: JSON-RPC 2.0's own, then mailbox.org's. */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  AccessDenied: 2,
  InvalidSession: 253,
  NotFound: 404,
  Conflict: 409,
  PasswordChangeRequired: 428,
  TooManyAttempts: 429,
} as const;
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

/** Spec §9's exact text for a missing, unknown or expired session. */
export const INVALID_SESSION_MESSAGE = 'This Auth-ID is invalid';

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** An error that goes on the wire as it is: code, message and optional data. */
export class RpcError extends Error {
  constructor(
    readonly code: RpcCode,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }

  toJSON(): RpcErrorObject {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

/**
 * Translates anything a method threw into a wire error. Domain errors carry user-facing messages; anything
 * else is a bug or an outage, logged here with its stack and answered with a bare -32603 (no stack, no SQL).
 */
export function toRpcError(error: unknown, method: string): RpcError {
  if (error instanceof RpcError) return error;
  if (error instanceof ValidationError) {
    const data: Record<string, unknown> = { field: error.field };
    if (error.details !== undefined) data.errors = error.details;
    return new RpcError(RpcCode.InvalidParams, `Invalid params: ${error.message}`, data);
  }
  if (error instanceof NotFoundError) return new RpcError(RpcCode.NotFound, error.message);
  if (error instanceof ConflictError) return new RpcError(RpcCode.Conflict, error.message);
  if (error instanceof RateLimitedError) return new RpcError(RpcCode.TooManyAttempts, error.message, { retry_after_minutes: error.retryAfterMinutes });
  if (error instanceof ForbiddenError) return new RpcError(RpcCode.AccessDenied, error.message);
  console.error(`portcullis: JSON-RPC method ${JSON.stringify(method)} failed:`, error);
  return new RpcError(RpcCode.InternalError, 'Internal error');
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { RpcCode, RpcError, toRpcError } from './errors';

describe('toRpcError', () => {
  afterEach(() => vi.restoreAllMocks());

  it('maps each domain error to its spec code', () => {
    expect(toRpcError(new NotFoundError('Mailbox a@b.test not found'), 'mail.get').toJSON()).toEqual({ code: 404, message: 'Mailbox a@b.test not found' });
    expect(toRpcError(new ConflictError('Mailbox a@b.test already exists'), 'mail.add').toJSON()).toEqual({ code: 409, message: 'Mailbox a@b.test already exists' });
    expect(toRpcError(new ForbiddenError('no'), 'mail.set').code).toBe(RpcCode.AccessDenied);
  });

  it('maps a ValidationError to -32602 naming the field and listing every bad item', () => {
    const errors = [
      { entry: '10.0.0.1/33', reason: 'prefix length must be between 0 and 32' },
      { entry: 'abc', reason: 'not an IP address or network' },
    ];
    expect(toRpcError(new ValidationError('allow_nets', 'allow_nets: two bad entries', errors), 'mail.set').toJSON()).toEqual({
      code: -32602,
      message: 'Invalid params: allow_nets: two bad entries',
      data: { field: 'allow_nets', errors },
    });
    expect(toRpcError(new ValidationError('mail', 'mail: is required'), 'mail.get').toJSON()).toEqual({ code: -32602, message: 'Invalid params: mail: is required', data: { field: 'mail' } });
  });

  it('passes RpcErrors through unchanged', () => {
    const error = new RpcError(RpcCode.InvalidSession, 'This Auth-ID is invalid', { reason: 'expired' });
    expect(toRpcError(error, 'mail.get')).toBe(error);
  });

  it('answers anything else with a bare -32603 and logs the details server-side only', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const sqlError = Object.assign(new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: mailboxes.email'), { code: 'SQLITE_CONSTRAINT' });
    const wire = toRpcError(sqlError, 'mail.add').toJSON();
    expect(wire).toEqual({ code: -32603, message: 'Internal error' });
    expect(JSON.stringify(wire)).not.toMatch(/SQLITE|mailboxes|at /);
    expect(log).toHaveBeenCalledOnce();
    expect(toRpcError('a thrown string', 'x').toJSON()).toEqual({ code: -32603, message: 'Internal error' });
  });
});

import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { APIRequestContext } from '@playwright/test';
import { apiSessions } from '../../db/schema';
import { dbOf, expect, rememberSecret } from './fixtures';

/** JSON-RPC helpers for the API specs: calls go over HTTP to the production server like any client's. */

export const SESSION_HEADER = 'HPLS-AUTH';

export type RpcParams = Record<string, unknown> | unknown[] | string | number | boolean | null;

/** A JSON-RPC 2.0 request object (with an id, so it is answered). */
export function call(method: string, params?: RpcParams, id: string | number | null = 1) {
  return { jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id };
}

/** A notification: no id, so it is executed without a response. */
export function notify(method: string, params?: RpcParams) {
  return { jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) };
}

export interface RpcOptions {
  token?: string;
  /** The client address the trusted test proxy reports (X-Forwarded-For). */
  ip?: string;
  path?: '/v1/' | '/v1' | '/api/v1' | '/api/v1/';
  /** Send this exact text instead of JSON-encoding the body. */
  raw?: boolean;
}

/** POSTs a body without following redirects (the API must answer directly); returns status, headers and JSON. */
export async function rpc(request: APIRequestContext, body: unknown, options: RpcOptions = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Forwarded-For': options.ip ?? '198.51.100.200' };
  if (options.token) headers[SESSION_HEADER] = options.token;
  const response = await request.post(options.path ?? '/v1/', {
    headers,
    // A Buffer is sent byte for byte (Playwright would JSON-encode a string once more).
    data: Buffer.from(options.raw ? (body as string) : JSON.stringify(body)),
    maxRedirects: 0,
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are asserted field by field
  const json: any = text ? JSON.parse(text) : undefined;
  return { status: response.status(), headers: response.headers(), text, json };
}

/** `auth` that must succeed; returns the token and level. */
export async function authenticate(request: APIRequestContext, user: string, pass: string, ip?: string): Promise<{ token: string; level: string }> {
  const { status, json } = await rpc(request, call('auth', { user, pass }), { ip });
  expect(status).toBe(200);
  expect(json.error, JSON.stringify(json.error)).toBeUndefined();
  rememberSecret(pass);
  rememberSecret(json.result.session);
  return { token: json.result.session, level: json.result.level };
}

/** Moves a session's expiry (the clock the server checks) straight in the database. */
export function setSessionExpiry(token: string, expiresAt: Date): void {
  const tokenHash = crypto.createHash('sha256').update(token).digest('hex');
  const result = dbOf().update(apiSessions).set({ expiresAt }).where(eq(apiSessions.tokenHash, tokenHash)).run();
  expect(result.changes).toBe(1);
}

/** The stored session row of a token, if any. */
export function sessionOf(token: string) {
  const tokenHash = crypto.createHash('sha256').update(token).digest('hex');
  return dbOf().select({ level: apiSessions.level, subjectId: apiSessions.subjectId, expiresAt: apiSessions.expiresAt }).from(apiSessions).where(eq(apiSessions.tokenHash, tokenHash)).get();
}

export const INVALID_SESSION = { code: 253, message: 'This Auth-ID is invalid' };

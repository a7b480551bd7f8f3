import 'server-only';
import crypto from 'node:crypto';
import type { Protocol } from '@/db/schema';
import { parseAddress } from '@/lib/net/allowlist';
import { decodeAuthHeader } from './escaping';

/** The protocols nginx's mail proxy speaks, each audited under its own name. */
export type MailProtocol = Extract<Protocol, 'imap' | 'pop3' | 'smtp'>;
const PROTOCOLS: readonly string[] = ['imap', 'pop3', 'smtp'] satisfies MailProtocol[];

/*
 * nginx sends "plain" for IMAP LOGIN, AUTHENTICATE PLAIN, POP3 USER/PASS and SMTP AUTH PLAIN, and "login"
 * for AUTH LOGIN: all carry the password. apop and cram-md5 send a digest instead (nothing to compare with a
 * bcrypt hash), external a client certificate, and none is SMTP without authentication.
 */
const PASSWORD_METHODS: readonly string[] = ['plain', 'login'];

export type HeaderSource = { get(name: string): string | null };

/** One auth_http request from nginx, decoded. */
export interface MailAuthRequest {
  /** As the client typed it (the domain service normalises it). */
  user: string;
  /** Null when the method carries no password (a digest, a certificate or none). */
  password: string | null;
  /** Null for a protocol nginx does not speak. */
  protocol: MailProtocol | null;
  /** nginx counts the attempts of one connection from 1. */
  loginAttempt: number;
  /** nginx's Client-IP, the address checked against the list (null when missing or not an address). */
  clientIp: string | null;
}

/** Reads nginx's auth_http request headers (Auth-User, Auth-Pass, Auth-Protocol, Auth-Method, …). */
export function parseMailAuthRequest(headers: HeaderSource): MailAuthRequest {
  const protocol = (headers.get('auth-protocol') ?? '').trim().toLowerCase();
  const method = (headers.get('auth-method') ?? 'plain').trim().toLowerCase();
  const pass = headers.get('auth-pass');
  const attempt = Number((headers.get('auth-login-attempt') ?? '').trim());
  return {
    user: decodeAuthHeader(headers.get('auth-user') ?? '').slice(0, 320),
    password: PASSWORD_METHODS.includes(method) && pass !== null ? decodeAuthHeader(pass) : null,
    protocol: PROTOCOLS.includes(protocol) ? (protocol as MailProtocol) : null,
    loginAttempt: Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : 1,
    clientIp: parseAddress((headers.get('client-ip') ?? '').trim())?.text ?? null,
  };
}

/**
 * Whether the request carries the shared secret nginx sends with `auth_http_header`. Both sides are
 * hashed first so the comparison takes the same time whatever the lengths and contents.
 */
export function hasMailAuthSecret(headers: HeaderSource, secret: string): boolean {
  const given = headers.get('x-mail-auth-secret');
  if (given === null) return false;
  return crypto.timingSafeEqual(digest(given), secretDigest(secret));
}

const digest = (value: string) => crypto.createHash('sha256').update(value, 'latin1').digest();

// The configured secret's digest, computed once per secret (every auth_http request needs it). Keyed by the
// secret itself, so a different secret (tests change it) is never compared against a stale digest.
let secretDigestMemo: { secret: string; digest: Buffer } | undefined;
function secretDigest(secret: string): Buffer {
  if (secretDigestMemo?.secret !== secret) secretDigestMemo = { secret, digest: digest(secret) };
  return secretDigestMemo.digest;
}

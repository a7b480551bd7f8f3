// Not marked `server-only`: server.ts, the CLI and the test setup run outside Next's bundler and need the
// same validated configuration. Nothing in the browser imports it.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseAddress, parseAllowNets, describeErrors, type NetEntry } from './net/allowlist';
import { parseRelyingPartyConfig, type RelyingPartyConfig } from './relying-party-config';

// bcrypt, file reads, zlib and WebCrypto share libuv's thread pool, whose size is read once at first use:
// server.ts imports this module first. lib/auth/password.ts keeps bcrypt to half of the pool.
process.env.UV_THREADPOOL_SIZE ??= '8';

const integerFrom = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number, got "${v}"` });
        return z.NEVER;
      }
      return Number(v);
    })
    .pipe(z.number().int().min(min).max(max));

/** Where nginx's mail proxy sends a client that Portcullis let in (Auth-Server and Auth-Port). */
export interface MailBackend {
  host: string;
  port: number;
}

/** IP:PORT (IPv6 in brackets): nginx wants an address in Auth-Server, not a host name. Empty = unset. */
const mailBackend = (fallback?: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): MailBackend | undefined => {
      const text = v || fallback;
      if (!text) return undefined;
      const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
      const host = match?.[1] ?? match?.[2];
      const port = Number(match?.[3]);
      if (!match || !parseAddress(host) || port < 1 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: `must be IP:PORT, e.g. 127.0.0.1:143 or [2001:db8::1]:143, got "${text}"` });
        return z.NEVER;
      }
      return { host: host!, port };
    });

const schema = z.object({
  PORT: integerFrom(3000, 1, 65535),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  // The machine process's port (server.ts starts it: nginx's auth_http and the health checks without Next;
  // README "The machine process"). 0 or unset: none, and everything is served on PORT alone.
  MACHINE_PORT: integerFrom(0, 0, 65535),
  DATABASE_PATH: z.string().trim().min(1).default('./data/portcullis.db'),
  // postgres://… selects PostgreSQL (spec §16, docs/database.md); unset or empty: SQLite at DATABASE_PATH.
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || /^postgres(?:ql)?:\/\//i.test(v), 'must be a postgres:// or postgresql:// URL (unset it to use SQLite at DATABASE_PATH)'),
  AUTH_SECRET: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.length >= 32, 'must be at least 32 characters'),
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx): NetEntry[] => {
      const parsed = parseAllowNets(v ?? '');
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: describeErrors(parsed.errors) });
        return z.NEVER;
      }
      return parsed.entries;
    }),
  PASSWORD_MIN_LENGTH: integerFrom(12, 8, 72),
  // 10 is the lowest cost we accept in production; tests lower it through BCRYPT_COST=4 explicitly.
  BCRYPT_COST: integerFrom(12, 4, 15),
  MAIL_AUTH_SECRET: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
  IMAP_BACKEND: mailBackend('127.0.0.1:143'),
  // Optional: nginx's mail proxy may also serve POP3 and SMTP AUTH; without a backend those are refused.
  POP3_BACKEND: mailBackend(),
  SMTP_BACKEND: mailBackend(),
  MAIL_AUTH_WAIT_SECONDS: integerFrom(3, 0, 60),
  // Ending open mail connections (spec §18, docs/imap.md): Dovecot doveadm HTTP API URLs, comma-separated
  // (every backend gets each kick), and the doveadm_api_key they share. Unset: open connections are not ended.
  MAIL_KICK_URL: z
    .string()
    .optional()
    .transform((v, ctx): string[] => {
      const urls = (v ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '');
      for (const url of urls) {
        let parsed: URL | null = null;
        try {
          parsed = new URL(url);
        } catch {
          // Reported below.
        }
        if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username || parsed.password) {
          ctx.addIssue({ code: 'custom', message: `must be http(s) URLs without credentials, e.g. http://127.0.0.1:8080/doveadm/v1, got "${url}"` });
          return z.NEVER;
        }
      }
      return [...new Set(urls)];
    }),
  MAIL_KICK_API_KEY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  // Who may read GET /metrics (allowlist syntax, decided like any client address); everyone else gets 404.
  METRICS_ALLOW: z
    .string()
    .optional()
    .transform((v, ctx): NetEntry[] => {
      const parsed = parseAllowNets(v === undefined ? '127.0.0.1,::1' : v);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: describeErrors(parsed.errors) });
        return z.NEVER;
      }
      return parsed.entries;
    }),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    // Unset stays unset: the process decides its default (lib/log.ts: `info`, the CLI `warn`).
    .transform((v) => v || undefined)
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' }).optional()),
  // A web session ends after this many minutes without a request (spec §13); the absolute limit is 12 hours.
  SESSION_IDLE_MINUTES: integerFrom(120, 5, 720),
  // Audit rows older than this are pruned (automatically about once an hour, and by `cli audit prune`).
  AUDIT_RETENTION_DAYS: integerFrom(400, 1, 36_500),
  UV_THREADPOOL_SIZE: integerFrom(8, 1, 1024),
  // The CLI's non-interactive password input (keeps it out of `ps` and shell history).
  PORTCULLIS_PASSWORD: z.string().optional(),
  // Passkeys (lib/relying-party-config.ts): the public origins of the admin area, comma-separated, and the
  // WebAuthn RP ID (default: the first origin's host). Unset: passkeys work only at http(s)://localhost.
  WEBAUTHN_ORIGINS: z.string().optional(),
  WEBAUTHN_RP_ID: z.string().optional(),
  // Alerts (spec §21, docs/notifications.md). Networks a webhook may reach although they are internal
  // (allowlist syntax; default none): admitting any also admits http:// URLs.
  NOTIFY_ALLOW_NETS: z
    .string()
    .optional()
    .transform((v, ctx): NetEntry[] => {
      const parsed = parseAllowNets(v ?? '');
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: describeErrors(parsed.errors) });
        return z.NEVER;
      }
      return parsed.entries;
    }),
  // Where alert and notice e-mails go out (smtp:// or smtps://, e.g. smtp://127.0.0.1:25) and their sender.
  SMTP_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || /^smtps?:\/\/[^/\s]+/i.test(v), 'must be an smtp:// or smtps:// URL, e.g. smtp://127.0.0.1:25'),
  MAIL_FROM: z.string().trim().default('portcullis@localhost'),
  // The address admins open Portcullis at: the base of the audit links in alerts. Default http://HOST:PORT.
  PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? (v.endsWith('/') ? v.slice(0, -1) : v) : undefined))
    .refine((v) => v === undefined || /^https?:\/\/[^/\s]+$/i.test(v), 'must be an http(s) origin without a path, e.g. https://portal.example.com'),
}).superRefine((value, ctx) => {
  if (value.MACHINE_PORT !== 0 && value.MACHINE_PORT === value.PORT) ctx.addIssue({ code: 'custom', path: ['MACHINE_PORT'], message: 'must differ from PORT (or be 0 for none)' });
  if (value.MAIL_KICK_URL.length > 0 && !value.MAIL_KICK_API_KEY) ctx.addIssue({ code: 'custom', path: ['MAIL_KICK_API_KEY'], message: 'must be set when MAIL_KICK_URL is (Dovecot\'s doveadm_api_key)' });
  const parsed = parseRelyingPartyConfig(value.WEBAUTHN_ORIGINS, value.WEBAUTHN_RP_ID);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['WEBAUTHN_ORIGINS'], message: parsed.message });
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

/** Validated configuration; throws one readable message naming every bad variable. */
export function env(): Env {
  if (cached) return cached;
  const result = schema.safeParse(process.env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  cached = result.data;
  return cached;
}

/** The configured WebAuthn relying party (WEBAUTHN_ORIGINS / WEBAUTHN_RP_ID), null when unset. */
export function relyingPartyConfig(): RelyingPartyConfig | null {
  const parsed = parseRelyingPartyConfig(env().WEBAUTHN_ORIGINS, env().WEBAUTHN_RP_ID);
  return parsed.ok ? parsed.config : null;
}

/** Where the generated AUTH_SECRET lives when the operator did not set one. */
export function authSecretFile(): string {
  return path.join(path.dirname(path.resolve(env().DATABASE_PATH)), 'auth-secret');
}

let secret: string | undefined;

/** The JWT/HMAC secret: AUTH_SECRET, else the file server.ts generated on first start. */
export function authSecret(): string {
  if (secret) return secret;
  const fromEnv = env().AUTH_SECRET;
  if (fromEnv) return (secret = fromEnv);
  try {
    secret = fs.readFileSync(authSecretFile(), 'utf8').trim();
  } catch {
    throw new Error(`AUTH_SECRET is not set and ${authSecretFile()} does not exist; start the app with npm start once.`);
  }
  return secret;
}


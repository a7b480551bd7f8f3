// Not marked `server-only`: server.ts serves /metrics and times every request; the route bundles count
// sign-ins and bcrypt work. Both reach the same metrics (one registry per process, see below).
import client from 'prom-client';

/**
 * Prometheus metrics (spec §17). Every label takes values from a fixed set chosen in code: never an address,
 * a mailbox or anything else a client controls, so that the number of series stays bounded.
 */

/** The route groups requests are timed by (see {@link routeGroup}). */
export const ROUTE_GROUPS = ['login', 'webmail', 'admin', 'auth', 'rpc', 'mail_auth', 'ops', 'static', 'other'] as const;
export type RouteGroup = (typeof ROUTE_GROUPS)[number];

/** The group a path belongs to: a bounded label for the request histogram and the request log. */
export function routeGroup(pathname: string): RouteGroup {
  if (pathname === '/api/mail-auth') return 'mail_auth';
  if (/^\/(?:api\/)?v1\/?$/.test(pathname)) return 'rpc';
  if (pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics') return 'ops';
  if (pathname.startsWith('/_next/') || pathname === '/favicon.ico') return 'static';
  if (pathname.startsWith('/api/auth/')) return 'auth';
  if (pathname === '/admin' || pathname.startsWith('/admin/')) return 'admin';
  if (pathname === '/' || /^\/(?:login|change-password)(?:\/|$)/.test(pathname)) return 'login';
  if (/^\/(?:mail|account)(?:\/|$)/.test(pathname)) return 'webmail';
  return 'other';
}

const LABEL_VALUE = /^[a-z0-9_]{1,40}$/;
/** A code-chosen word (a reason, a protocol) as a label value; anything else becomes "other". */
const word = (value: string | null | undefined, fallback = 'none') => (value ? (LABEL_VALUE.test(value) ? value : 'other') : fallback);

function create() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  return {
    registry,
    signIns: new client.Counter({
      name: 'portcullis_sign_ins_total',
      help: 'Sign-in attempts by protocol, result (allowed, refused) and refusal reason; subject is mailbox or admin.',
      labelNames: ['subject', 'protocol', 'result', 'reason'] as const,
      registers: [registry],
    }),
    sessionsEnded: new client.Counter({
      name: 'portcullis_sessions_ended_total',
      help: 'Sessions ended by a failed per-request check (by reason) or by signing out (reason sign_out).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    requestDuration: new client.Histogram({
      name: 'portcullis_http_request_duration_seconds',
      help: 'HTTP request duration by route group, method and status class.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    bcryptQueue: new client.Gauge({
      name: 'portcullis_bcrypt_queue_length',
      help: 'bcrypt operations waiting for a slot (lib/auth/password.ts runs a few at a time).',
      registers: [registry],
    }),
    mailKicksPending: new client.Gauge({
      name: 'portcullis_mail_kicks_pending',
      help: 'Mail disconnects (spec §18) not yet delivered to a backend, across instances; state failing: tried and failed at least once.',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    mailKicks: new client.Counter({
      name: 'portcullis_mail_kicks_total',
      help: 'Kicks this instance sent to a mail backend, by result (ended, none_open, failed).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    notifications: new client.Counter({
      name: 'portcullis_notifications_total',
      help: 'Alert and notice deliveries this instance tried (spec §21), by kind (webhook, email) and result (sent, failed: a try that failed, given_up: dropped after 24 h).',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    notificationsPending: new client.Gauge({
      name: 'portcullis_notifications_pending',
      help: 'Notifications not yet delivered, across instances; state failing: tried and failed at least once.',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    bcryptDuration: new client.Histogram({
      name: 'portcullis_bcrypt_duration_seconds',
      help: 'Time one bcrypt hash or comparison took once it had a slot.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2],
      registers: [registry],
    }),
  };
}

/*
 * server.ts and each Next.js route bundle load their own copy of this module, but a metric must be counted
 * once per process, in the registry that /metrics serves: the metrics live on globalThis. They hold counts
 * only, nothing that could go stale.
 */
const holder = globalThis as unknown as { portcullisMetrics?: ReturnType<typeof create> };
function metrics() {
  return (holder.portcullisMetrics ??= create());
}

/** Counts a sign-in attempt (web, API or mail protocol; mailbox or admin). */
export function countSignIn(input: { subject: 'mailbox' | 'admin'; protocol: string | null | undefined; allowed: boolean; reason?: string | null }): void {
  metrics().signIns.inc({ subject: input.subject, protocol: word(input.protocol, 'web'), result: input.allowed ? 'allowed' : 'refused', reason: input.allowed ? 'none' : word(input.reason, 'unknown') });
}

/** Counts a session that ended (a failed per-request check, or signing out). */
export function countSessionEnded(reason: string | null | undefined): void {
  metrics().sessionsEnded.inc({ reason: word(reason, 'unknown') });
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Times one HTTP request. */
export function observeRequest(route: RouteGroup, method: string | undefined, status: number, seconds: number): void {
  metrics().requestDuration.observe({ route, method: method && METHODS.has(method) ? method : 'other', status: `${Math.floor(status / 100)}xx` }, seconds);
}

/** The number of bcrypt operations waiting for a slot. */
export function setBcryptQueueLength(length: number): void {
  metrics().bcryptQueue.set(length);
}

/** How long one bcrypt operation took. */
export function observeBcrypt(seconds: number): void {
  metrics().bcryptDuration.observe(seconds);
}

/** The outbox of mail disconnects: rows waiting (all) and rows whose last try failed. */
export function setMailKicksPending(pending: number, failing: number): void {
  metrics().mailKicksPending.set({ state: 'all' }, pending);
  metrics().mailKicksPending.set({ state: 'failing' }, failing);
}

/** Counts one kick sent to a backend. */
export function countMailKick(result: string): void {
  metrics().mailKicks.inc({ result: word(result, 'unknown') });
}

/** Counts one notification delivery try (spec §21). */
export function countNotification(kind: 'webhook' | 'email', result: 'sent' | 'failed' | 'given_up'): void {
  metrics().notifications.inc({ kind, result });
}

/** The notification outbox: rows waiting (all) and rows whose last try failed. */
export function setNotificationsPending(pending: number, failing: number): void {
  metrics().notificationsPending.set({ state: 'all' }, pending);
  metrics().notificationsPending.set({ state: 'failing' }, failing);
}

/** The Prometheus text exposition of every metric, and its content type. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

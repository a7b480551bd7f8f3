import 'server-only';
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { addressAllowed, guardedLookup, parseWebhookUrl, systemResolver, TargetRefused, targetPolicy, type Resolver, type TargetPolicy } from './target';

/** Each delivery's whole time budget (connect, TLS, request, answer). */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Of the answer, at most this much is read: a receiver cannot make us buffer a large body. */
export const ANSWER_LIMIT_BYTES = 1024;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` under the destination's secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** A fresh destination secret: 32 random bytes, shown once. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}

export type WebhookOutcome = { ok: true; status: number } | { ok: false; error: string; retry: boolean };

/**
 * POSTs one signed notification. Succeeds on a 2xx answer only: a redirect is not followed (its target
 * was never checked) and counts as a failure, like any other status. The connection goes only to an
 * address that passes the target rules, checked on the resolved address (guardedLookup) and again on the
 * connected socket's peer; the whole exchange is bounded by WEBHOOK_TIMEOUT_MS and ANSWER_LIMIT_BYTES.
 */
export async function postWebhook(
  input: { url: string; secret: string; eventType: string; body: string },
  options: { now?: number; policy?: TargetPolicy; resolve?: Resolver } = {},
): Promise<WebhookOutcome> {
  const policy = options.policy ?? targetPolicy();
  const resolve = options.resolve ?? systemResolver;
  let target;
  try {
    target = parseWebhookUrl(input.url, policy);
    if (net.isIP(target.host) && !addressAllowed(target.host, policy)) throw new TargetRefused(`${target.host} is an internal address that webhooks may not reach`);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : 'refused', retry: false };
  }
  const timestamp = String(Math.floor((options.now ?? Date.now()) / 1000));
  const transport = target.url.protocol === 'https:' ? https : http;
  return await new Promise<WebhookOutcome>((settle) => {
    let settled = false;
    const finish = (outcome: WebhookOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      settle(outcome);
    };
    const request = transport.request(
      target.url,
      {
        method: 'POST',
        // No pooling: every delivery resolves and checks afresh.
        agent: false,
        lookup: guardedLookup(policy, resolve) as unknown as typeof import('node:dns').lookup,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(input.body)),
          'user-agent': 'Portcullis-Notifications/1',
          'x-portcullis-event': input.eventType,
          'x-portcullis-timestamp': timestamp,
          'x-portcullis-signature': webhookSignature(input.secret, timestamp, input.body),
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read >= ANSWER_LIMIT_BYTES) done();
        });
        response.on('end', () => done());
        response.on('error', () => done());
        function done() {
          if (status >= 200 && status < 300) finish({ ok: true, status });
          else if (status >= 300 && status < 400) finish({ ok: false, error: `answered ${status} (a redirect, not followed)`, retry: true });
          else finish({ ok: false, error: `answered ${status}`, retry: true });
        }
      },
    );
    const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`, retry: true }), WEBHOOK_TIMEOUT_MS);
    request.on('socket', (socket: net.Socket) => {
      // The peer actually connected to, whatever resolved it (and for IP literals, which skip the lookup),
      // is checked before a byte is sent: the request (headers and body) is written only once it passed.
      socket.once('connect', () => {
        const peer = socket.remoteAddress;
        if (!peer || !addressAllowed(peer, policy)) finish({ ok: false, error: `${peer ?? 'the peer'} is an internal address that webhooks may not reach`, retry: true });
        else request.end(input.body);
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish({ ok: false, error: error instanceof TargetRefused ? error.message : `could not connect (${error.code ?? error.message})`, retry: true });
    });
  });
}

import 'server-only';
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { compileAllowlist, parseAddress, type NetEntry } from '@/lib/net/allowlist';
import { env } from '@/lib/env';
import { englishProblemText, problem, type ServiceProblem } from '@/lib/service-problems';

/*
 * Which addresses a webhook may reach (spec §21). A webhook URL is chosen by a tenant admin, so it must not
 * become a way into the operator's own network (the doveadm API, PostgreSQL, cloud metadata): only public
 * unicast addresses, unless the operator admits a network with NOTIFY_ALLOW_NETS. The check runs when a
 * URL is saved and again on every delivery, on the address the connection is actually made to.
 */

/**
 * Why a target is refused: said to the admin (it names no internal detail beyond their own URL). At save
 * time it carries a coded problem, which the destination service passes on for the page to word.
 */
export class TargetRefused extends Error {
  readonly problem: ServiceProblem | null;
  constructor(reason: string | ServiceProblem) {
    super(typeof reason === 'string' ? reason : englishProblemText(reason));
    this.problem = typeof reason === 'string' ? null : reason;
  }
}

/** The operator's admitted networks: by default NOTIFY_ALLOW_NETS. */
export interface TargetPolicy {
  allow: readonly NetEntry[];
}

export function targetPolicy(): TargetPolicy {
  return { allow: env().NOTIFY_ALLOW_NETS };
}

/**
 * Whether a connection to `address` is allowed. IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as its IPv4
 * address. ipaddr.js names every special range; only plain `unicast` passes (so loopback, private, link-local,
 * multicast, unspecified, carrier-grade NAT, reserved, and the IPv6 forms that embed an IPv4 address — 6to4,
 * Teredo, NAT64 — are refused).
 */
export function addressAllowed(address: string, policy: TargetPolicy = targetPolicy()): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  const text = parsed.toString();
  if (policy.allow.length > 0 && compileAllowlist(policy.allow).allows(parseAddress(text))) return true;
  return parsed.range() === 'unicast';
}

/** A parsed webhook URL that passed the scheme rules (not yet the address rules). */
export interface WebhookUrl {
  url: URL;
  /** The host as the resolver and TLS want it: without IPv6 brackets. */
  host: string;
}

/** The scheme and shape rules: https:// (http:// only when the operator admits some network), no credentials. */
export function parseWebhookUrl(text: string, policy: TargetPolicy = targetPolicy()): WebhookUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetRefused(problem('url_not_full'));
  }
  const httpAllowed = policy.allow.length > 0;
  if (url.protocol !== 'https:' && !(httpAllowed && url.protocol === 'http:')) throw new TargetRefused(problem('url_not_https'));
  if (url.username || url.password) throw new TargetRefused(problem('url_credentials'));
  if (url.hash) throw new TargetRefused(problem('url_fragment'));
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!host) throw new TargetRefused(problem('url_no_host'));
  return { url, host };
}

/** Resolves a host name to every address (an IP literal to itself). */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The full check at save time: the URL's rules, then every address its host resolves to must be allowed
 * (one internal address among public ones is refused: a resolver may hand out either).
 */
export async function checkWebhookUrl(text: string, policy: TargetPolicy = targetPolicy(), resolve: Resolver = systemResolver): Promise<WebhookUrl> {
  const parsed = parseWebhookUrl(text, policy);
  let addresses: string[];
  if (net.isIP(parsed.host)) addresses = [parsed.host];
  else {
    try {
      addresses = await resolve(parsed.host);
    } catch {
      throw new TargetRefused(problem('url_unresolved', { host: parsed.host }));
    }
  }
  if (addresses.length === 0) throw new TargetRefused(problem('url_unresolved', { host: parsed.host }));
  for (const address of addresses) if (!addressAllowed(address, policy)) throw new TargetRefused(problem('url_internal', { address }));
  return parsed;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request: resolves with `resolve` and refuses the connection unless every address is
 * allowed, so that the address connected to is the one checked (a host that answered with a public address
 * at save time and an internal one now — DNS rebinding — is refused). The socket's peer is checked again
 * once connected (lib/notify/webhook.ts).
 */
export function guardedLookup(policy: TargetPolicy, resolve: Resolver = systemResolver) {
  return (hostname: string, options: dns.LookupOptions | number | LookupCallback, callback?: LookupCallback): void => {
    const done = (typeof options === 'function' ? options : callback)!;
    const all = typeof options === 'object' && options !== null && options.all === true;
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !addressAllowed(a, policy));
        if (addresses.length === 0 || refused !== undefined) {
          const error: NodeJS.ErrnoException = new TargetRefused(refused ? `${hostname} resolves to ${refused}, an internal address that webhooks may not reach` : `${hostname} does not resolve`);
          error.code = 'EPORTCULLISTARGET';
          done(error, '', 4);
          return;
        }
        if (all) done(null, addresses.map((address) => ({ address, family: net.isIP(address) })));
        else done(null, addresses[0]!, net.isIP(addresses[0]!));
      },
      (error: NodeJS.ErrnoException) => done(error, '', 4),
    );
  };
}

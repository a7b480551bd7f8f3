import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Allowlist } from './allowlist';
import { decideConnection } from './client-address';
import { STRIPPED_HEADER } from './internal-headers';

/**
 * Where a request from the network enters each listening process (server.ts, machine-server.ts): the client
 * address and scheme are decided from the socket and, from trusted proxies only, the forwarding headers
 * (lib/net/client-address.ts), and then every header a client could use to claim an address, a proxy or an
 * internal caller is removed, so that nothing after this point can read one.
 */
export function admitRequest(req: IncomingMessage, trustedProxies: Allowlist | null): { address: string | null; https: boolean } {
  const decided = decideConnection({
    peer: req.socket.remoteAddress,
    encrypted: Boolean((req.socket as TLSSocket).encrypted),
    forwardedFor: req.headers['x-forwarded-for'],
    forwardedProto: req.headers['x-forwarded-proto'],
    trustedProxies,
  });
  for (const name of Object.keys(req.headers)) {
    if (STRIPPED_HEADER.test(name)) delete req.headers[name];
  }
  const raw: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!STRIPPED_HEADER.test(req.rawHeaders[i]!)) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  return decided;
}

// Not marked `server-only`: used by server.ts.
import type { AddressInfo } from 'node:net';

/**
 * The URL to print for the address the server actually listens on. A wildcard address (`::`, `0.0.0.0`)
 * is not something to type into a browser: it becomes the loopback address of the same family.
 */
export function listenUrl(address: Pick<AddressInfo, 'address' | 'port'>): string {
  let host = address.address;
  if (host === '::' || host === '::0') host = '::1';
  if (host === '0.0.0.0') host = '127.0.0.1';
  const v6 = host.includes(':');
  return `http://${v6 ? `[${host}]` : host}:${address.port}`;
}

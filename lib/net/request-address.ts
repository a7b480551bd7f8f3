import 'server-only';
import { env } from '@/lib/env';
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTO_HEADER } from './internal-headers';

/*
 * The address header set by server.ts carries a per-process token as well: if the app were ever served without server.ts (e.g. `next start`),
 * a client could send the header itself, and the missing token makes the address "unknown" (denied for
 * every restricted mailbox) instead of attacker-chosen.
 */

type HeaderSource = { get(name: string): string | null };

/** The client address that server.ts decided for this request, or null when unknown. */
export function clientAddress(headers: HeaderSource): string | null {
  const token = env().PORTCULLIS_GATE_TOKEN;
  const value = headers.get(CLIENT_ADDRESS_HEADER);
  if (!token || !value) return null;
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space) !== token) return null;
  const address = value.slice(space + 1);
  return address === '' || address === '-' ? null : address;
}

/** Whether the browser reached us over HTTPS (directly or through a trusted proxy); decides Secure cookies. */
export function isHttps(headers: HeaderSource): boolean {
  return env().PORTCULLIS_GATE_TOKEN !== undefined && headers.get(CLIENT_PROTO_HEADER) === 'https';
}

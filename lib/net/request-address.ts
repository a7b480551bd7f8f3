import 'server-only';
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTO_HEADER } from './internal-headers';

/*
 * The address header set by server.ts carries a per-process token as well: if the app were ever served without server.ts (e.g. `next start`),
 * a client could send the header itself, and the missing token makes the address "unknown" (denied for
 * every restricted mailbox) instead of attacker-chosen.
 */

type HeaderSource = { get(name: string): string | null };

/**
 * The token server.ts made for this process. Read from the process environment, not through lib/env: it is
 * not configuration but a value server.ts sets before Next loads, and lib/env imports lib/net's parsers, so
 * importing lib/env here would tie the two folders in a cycle (docs/architecture.md).
 */
const gateToken = (): string | undefined => process.env.PORTCULLIS_GATE_TOKEN || undefined;

/** The client address that server.ts decided for this request, or null when unknown. */
export function clientAddress(headers: HeaderSource): string | null {
  const token = gateToken();
  const value = headers.get(CLIENT_ADDRESS_HEADER);
  if (!token || !value) return null;
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space) !== token) return null;
  const address = value.slice(space + 1);
  return address === '' || address === '-' ? null : address;
}

/** Whether the browser reached us over HTTPS (directly or through a trusted proxy); decides Secure cookies. */
export function isHttps(headers: HeaderSource): boolean {
  return gateToken() !== undefined && headers.get(CLIENT_PROTO_HEADER) === 'https';
}

// Not marked `server-only`: plain header access, shared by the machine endpoints (lib/machine-endpoints/table.ts).
import type { IncomingMessage } from 'node:http';

/** Request headers in the shape the domain code reads (`get`, case-insensitive, duplicates joined like Headers). */
export function nodeHeaders(req: IncomingMessage): { get(name: string): string | null } {
  return {
    get(name: string) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

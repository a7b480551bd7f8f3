// Used by server.ts outside Next's bundler: no `server-only` here.
import type { AddressCollision } from '../../db/engine';

/**
 * What server.ts prints when it refuses to start because admin addresses are also mailbox addresses
 * (db/engine.ts addressCollisions): every such address with both accounts, and the CLI commands that fix
 * it. Null when there is nothing to report.
 */
export function describeAddressCollisions(collisions: readonly AddressCollision[]): string | null {
  if (collisions.length === 0) return null;
  const lines = collisions.map((c) => `  ${c.email}: admin of account "${c.adminAccount}", mailbox of account "${c.mailboxAccount}"`);
  return [
    `refusing to start: ${collisions.length === 1 ? 'an admin address is' : `${collisions.length} admin addresses are`} also a mailbox address, so sign-in could not tell them apart:`,
    ...lines,
    'Fix each one with the operator CLI, then start again: remove the admin (give them an unused address first if they still need access):',
    '  npm run cli -- admin add --account NAME --email NEW-ADDRESS     (only if the admin still needs access)',
    ...collisions.map((c) => `  npm run cli -- admin remove --email ${c.email}`),
    'See docs/admin.md "Admin addresses".',
  ].join('\n');
}

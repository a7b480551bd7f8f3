import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderCycles, folderGraph, runtimeImports, unitOf } from './folder-cycles.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const graph = (pairs: [string, string][]) => new Map(pairs.map(([from, to]) => [`${from} -> ${to}`, new Set([`${from}/x.ts`])]));

describe('import cycles between folders', () => {
  it('there are none in the tree', () => {
    const cycles = folderCycles(folderGraph(root));
    expect(cycles.map((c) => `${c.units.join(' <-> ')}:\n  ${c.edges.join('\n  ')}`)).toEqual([]);
  });

  it('finds a cycle however long, with the edges that make it, and nothing in a graph that only points down', () => {
    const cycles = folderCycles(graph([['lib/auth', 'db'], ['lib/auth', 'lib/audit'], ['lib/audit', 'lib/mailboxes'], ['lib/mailboxes', 'lib/auth'], ['app', 'lib/mailboxes']]));
    expect(cycles).toEqual([
      {
        units: ['lib/audit', 'lib/auth', 'lib/mailboxes'],
        edges: ['lib/audit -> lib/mailboxes (lib/audit/x.ts)', 'lib/auth -> lib/audit (lib/auth/x.ts)', 'lib/mailboxes -> lib/auth (lib/mailboxes/x.ts)'],
      },
    ]);
    expect(folderCycles(graph([['app', 'lib/mailboxes'], ['lib/mailboxes', 'lib/auth'], ['lib/auth', 'db']]))).toEqual([]);
  });

  it('counts the imports that run: values, re-exports and import(), not type-only imports', () => {
    const text = [
      "import { a } from '@/lib/a';",
      "import type { B } from '@/lib/b';",
      "import { type C, type D } from '@/lib/c';",
      "import { type E, f } from '@/lib/e';",
      "export { g } from '../g';",
      "export type { H } from '@/lib/h';",
      "const i = await import('@/lib/i');",
      "import 'server-only';",
    ].join('\n');
    expect(runtimeImports(text)).toEqual(['@/lib/a', '@/lib/e', '../g', '@/lib/i', 'server-only']);
  });

  it('a unit is a folder of lib/, a file directly in lib/, db, app, server or proxy; tests and tooling are not in the graph', () => {
    expect(unitOf('lib/auth/totp.ts')).toBe('lib/auth');
    expect(unitOf('lib/audit.ts')).toBe('lib/audit');
    expect(unitOf('lib/audit-log')).toBe('lib/audit-log');
    expect(unitOf('db/schema')).toBe('db');
    expect(unitOf('server.ts')).toBe('server');
    expect(unitOf('lib/testing/factories.ts')).toBeNull();
    expect(unitOf('e2e/support/fixtures.ts')).toBeNull();
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * The operator CLI as the end-to-end tests run it: lib/cli/main.ts compiled once per run into one ES module,
 * started with plain `node`. `npx tsx lib/cli/main.ts` costs about 1.3 s per command (npx, then tsx resolving
 * and loading some 200 source files through its hooks), the bundle about 0.5 s, and the specs run the CLI
 * from over 60 places, some in loops. It is the same source with the same `react-server` condition (tsx also compiles
 * with esbuild); only the packages stay outside the bundle and load from node_modules as they do under tsx.
 *
 * It lives under node_modules/.cache (where the tools keep their caches, and from where Node finds the
 * packages by walking up), not in the run folder; the global setup rebuilds it at the start of every run, so
 * it is never older than the source.
 */
export const CLI_BUNDLE = path.resolve('node_modules/.cache/portcullis-e2e/cli.mjs');

/** The command and arguments that run the CLI with `args` (the global setup has built the bundle). */
export function cliCommand(args: string[]): [string, string[]] {
  return [process.execPath, ['--conditions=react-server', CLI_BUNDLE, ...args]];
}

export async function buildCliBundle(): Promise<void> {
  fs.mkdirSync(path.dirname(CLI_BUNDLE), { recursive: true });
  // Written beside and renamed into place: a run starting at the same time never loads half a file.
  const partial = `${CLI_BUNDLE}.${process.pid}.partial`;
  await build({
    entryPoints: ['lib/cli/main.ts'],
    outfile: partial,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['react-server'],
    packages: 'external',
    tsconfig: 'tsconfig.json',
    logLevel: 'error',
  });
  fs.renameSync(partial, CLI_BUNDLE);
}

import { defineConfig } from 'vitest/config';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The test files that open the database, which run on PostgreSQL as well (lib/testing/postgres-files.ts).
import POSTGRES_FILES from './lib/testing/postgres-files.json' with { type: 'json' };

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      // `server-only` throws outside a React server bundle; unit tests exercise server modules directly.
      'server-only': path.resolve(root, 'lib/testing/server-only-stub.ts'),
    },
  },
  test: {
    // .ci/run sums up the unit and end-to-end results from JSON reports in this folder.
    reporters: process.env.PORTCULLIS_TEST_REPORT_DIR ? ['default', ['json', { outputFile: path.join(process.env.PORTCULLIS_TEST_REPORT_DIR, 'unit.json') }]] : ['default'],
    environment: 'node',
    setupFiles: ['lib/testing/setup.ts'],
    // A fresh module graph (and so a fresh database) per file.
    isolate: true,
    pool: 'forks',
    // Vitest's default is one fork fewer than the cores: a single one on a 2-core CI machine, where a good
    // part of the run is spent waiting (on PostgreSQL, which runs in its own process, on the servers and CLI
    // processes some files start, on timers). Two forks there overlap that waiting with work (docs/testing.md).
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // Property tests run thousands of cases; a loaded 2-core CI machine needs more than the 5 s default.
    testTimeout: 30_000,
    // Both engines (docs/database.md "Tests on both engines"): every file on SQLite, and the files that
    // exercise the data layer on PostgreSQL too, each on a fresh database of a throwaway cluster.
    projects: [
      // No `include` at the root: with `extends: true` a project's include is added to the root's, and the
      // `postgres` project would run every file.
      { extends: true, test: { name: 'sqlite', include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_FILES,
          globalSetup: ['lib/testing/pg-global-setup.ts'],
          setupFiles: ['lib/testing/setup.ts', 'lib/testing/setup-pg.ts'],
          // Creating the file's database from the template takes a moment on a loaded machine.
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/** The test files that run on PostgreSQL as well as SQLite (the data layer and everything that queries it). */
// The data layer, the domain service, sign-in, throttling, sessions and audit: every test file that queries the
// database. (Pure logic runs on SQLite's project only: it would be the same test twice.)
const POSTGRES_FILES = [
  'db/index.test.ts',
  'lib/admins/*.test.ts',
  'lib/audit-log.test.ts',
  'lib/auth/api-session.test.ts',
  'lib/auth/dal.test.ts',
  'lib/auth/gate.test.ts',
  'lib/auth/sign-in.test.ts',
  'lib/auth/throttle.test.ts',
  'lib/auth/webauthn-challenge.test.ts',
  'lib/mail-auth/route.test.ts',
  'lib/mailboxes/bulk.test.ts',
  'lib/mailboxes/impact.test.ts',
  'lib/mailboxes/service.test.ts',
  'lib/netsets/service.test.ts',
  'lib/rpc/endpoint.test.ts',
];

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      // `server-only` throws outside a React server bundle; unit tests exercise server modules directly.
      'server-only': path.resolve(root, 'lib/testing/server-only-stub.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts', 'eslint-rules/**/*.test.ts'],
    // .ci/run sums up the unit and end-to-end results from JSON reports in this folder.
    reporters: process.env.PORTCULLIS_TEST_REPORT_DIR ? ['default', ['json', { outputFile: path.join(process.env.PORTCULLIS_TEST_REPORT_DIR, 'unit.json') }]] : ['default'],
    environment: 'node',
    setupFiles: ['lib/testing/setup.ts'],
    // A fresh module graph (and so a fresh database) per file.
    isolate: true,
    pool: 'forks',
    // Property tests run thousands of cases; a loaded 2-core CI machine needs more than the 5 s default.
    testTimeout: 30_000,
    // Both engines (docs/database.md "Tests on both engines"): every file on SQLite, and the files that
    // exercise the data layer on PostgreSQL too, each on a fresh database of a throwaway cluster.
    projects: [
      { extends: true, test: { name: 'sqlite' } },
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

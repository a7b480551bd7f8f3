import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts'],
    // .ci/run sums up the unit and end-to-end results from JSON reports in this folder.
    reporters: process.env.PORTCULLIS_TEST_REPORT_DIR ? ['default', ['json', { outputFile: path.join(process.env.PORTCULLIS_TEST_REPORT_DIR, 'unit.json') }]] : ['default'],
    environment: 'node',
    setupFiles: ['lib/testing/setup.ts'],
    // A fresh module graph (and so a fresh database) per file.
    isolate: true,
    pool: 'forks',
    // Property tests run thousands of cases; a loaded 2-core CI machine needs more than the 5 s default.
    testTimeout: 30_000,
  },
});

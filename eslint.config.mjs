import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // The client address is decided in exactly one place (lib/net/client-address.ts, fed by server.ts).
      'no-restricted-syntax': [
        'error',
        {
          selector: "Literal[value=/^(x-forwarded-for|x-real-ip|forwarded)$/i]",
          message: 'Only server.ts may read forwarding headers; use clientAddress() from lib/net/request-address.',
        },
      ],
    },
  },
  {
    files: ['server.ts', '**/*.test.ts', 'e2e/**', 'bench/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  globalIgnores(['.next/**', 'node_modules/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**', 'db/migrations/**']),
]);

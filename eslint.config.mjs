import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import regexp from 'eslint-plugin-regexp';
import portcullis from './lib/lint/plugin.mjs';
import { LAYERS } from './lib/lint/layer-zones.mjs';
import accountScopeIssuer from './lib/lint/account-scope-issuer.mjs';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // No regular expression may backtrack super-linearly on input (spec §12): one could stall the event loop,
  // and with it every account's sign-in.
  regexp.configs['flat/recommended'],
  {
    rules: {
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': 'error',
      // Matching control characters is the point where we do it (refusing them in input).
      'no-control-regex': 'off',
    },
  },
  {
    rules: {
      // The client address is decided in exactly one place (lib/net/client-address.ts), fed by the one
      // entry of both listening processes (lib/net/admit-request.ts, called by server.ts and machine-server.ts).
      'no-restricted-syntax': [
        'error',
        {
          selector: "Literal[value=/^(x-forwarded-for|x-real-ip|forwarded)$/i]",
          message: 'Only lib/net/admit-request.ts may read forwarding headers; use clientAddress() from lib/net/request-address.',
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'e2e/**', 'bench/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The data layer is asynchronous on every engine (db/index.ts): a query or domain call that is not
    // awaited would run after the answer, outside its transaction, or not at all.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Only what both engines share: drizzle's synchronous SQLite calls (.get(), .all(), .run() without
    // arguments) do not exist on PostgreSQL. Await the builder instead (db/README in docs/database.md).
    files: ['lib/**', 'app/**', 'db/**', 'proxy.ts'],
    ignores: ['db/migrate.ts', 'db/connection.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Literal[value=/^(x-forwarded-for|x-real-ip|forwarded)$/i]",
          message: 'Only lib/net/admit-request.ts may read forwarding headers; use clientAddress() from lib/net/request-address.',
        },
        {
          selector: "CallExpression[arguments.length=0] > MemberExpression.callee > Identifier.property[name=/^(get|all|run)$/]",
          message: 'Synchronous SQLite calls do not exist on PostgreSQL: await the query builder (see docs/database.md).',
        },
      ],
    },
  },
  {
    // The one reader of forwarding headers (the rule above, without its first selector).
    files: ['lib/net/admit-request.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[arguments.length=0] > MemberExpression.callee > Identifier.property[name=/^(get|all|run)$/]",
          message: 'Synchronous SQLite calls do not exist on PostgreSQL: await the query builder (see docs/database.md).',
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // No input becomes an object key unchecked (spec §23): a write through a computed key on a plain object
    // reaches Object.prototype when the key is "__proto__" (lib/lint/no-computed-key-write.mjs).
    files: ['lib/**/*.ts', 'lib/**/*.tsx', 'app/**/*.ts', 'app/**/*.tsx', 'db/**/*.ts', 'proxy.ts', 'server.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { portcullis },
    rules: { 'portcullis/no-computed-key-write': 'error' },
  },
  {
    // Scope as proof: only the session layer issues an account scope (lib/lint/account-scope-issuer.mjs).
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'portcullis-scope': accountScopeIssuer },
    rules: { 'portcullis-scope/account-scope-issuer': 'error' },
  },
  {
    // The layers (docs/architecture.md): imports point down, never up or sideways into a cycle
    // (lib/lint/layers.mjs; cycles between folders are found by lib/lint/folder-cycles.mjs). Tests wire
    // layers together on purpose and are left out.
    files: ['lib/**/*.ts', 'lib/**/*.tsx', 'app/**/*.ts', 'app/**/*.tsx', 'db/**/*.ts', 'proxy.ts', 'server.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { portcullis },
    rules: { 'portcullis/layers': ['error', { root: import.meta.dirname, zones: LAYERS }] },
  },
  globalIgnores(['.next/**', 'node_modules/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**', 'db/migrations/**']),
]);

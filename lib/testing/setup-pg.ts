// The `postgres` vitest project: each test file gets its own fresh database, a copy of the migrated template
// made by lib/testing/pg-global-setup.ts, dropped again after the file.
import crypto from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { closeSharedEngine } from '@/db/connection';
import { adminQuery, databaseUrl } from './pg-global-setup';

const adminUrl = inject('pgAdminUrl');
const database = `portcullis_test_${crypto.randomBytes(6).toString('hex')}`;
await adminQuery(adminUrl, `CREATE DATABASE ${database} TEMPLATE ${inject('pgTemplate')}`);
process.env.DATABASE_URL = databaseUrl(adminUrl, database);

afterAll(async () => {
  await closeSharedEngine();
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

// vitest global setup of the `postgres` project: the PostgreSQL cluster the data-layer tests run on.
//
// PORTCULLIS_TEST_PG_URL (a superuser URL, e.g. postgres://postgres@127.0.0.1:5433/postgres) names a cluster
// to use; otherwise a throwaway one is started with .ci/pg-cluster.sh and stopped at the end. Without one
// and without PostgreSQL's binaries this FAILS: a silently skipped PostgreSQL test would be a defect.
// Either way the tests only create and drop databases named portcullis_test_* in it: one migrated template
// here, and one copy of it per test file (lib/testing/setup-pg.ts).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migratePostgres } from '../../db/migrate-pg';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

const script = path.join(process.cwd(), '.ci', 'pg-cluster.sh');

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.PORTCULLIS_TEST_PG_URL;
  let state: string | null = null;
  if (!adminUrl) {
    state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-vitest-pg-')), 'cluster.state');
    try {
      adminUrl = execFileSync(script, ['start', state], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
      throw new Error(
        `The PostgreSQL tests need a cluster: set PORTCULLIS_TEST_PG_URL, or install PostgreSQL (Debian: apt-get install postgresql) so that .ci/pg-cluster.sh can start a throwaway one. ${stderr}`,
      );
    }
  }
  const template = `portcullis_test_tmpl_${crypto.randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${template}`);
  await migratePostgres(databaseUrl(adminUrl, template));
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    if (state) execFileSync(script, ['stop', state], { stdio: 'inherit' });
  };
}

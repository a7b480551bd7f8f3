import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * The PostgreSQL side of the e2e suite. The tests use only a cluster made for them: the one `.ci/run` started
 * (PORTCULLIS_TEST_PG_URL), or else one the global setup starts with `.ci/pg-cluster.sh` and stops at the
 * end. Each user of the cluster (the `postgres` project's server, the multi-instance spec) gets a fresh
 * database of its own on it.
 */

const CLUSTER_SCRIPT = '.ci/pg-cluster.sh';

/** The URL of the test cluster (its maintenance database), or a clear error naming what to do. */
export function testClusterUrl(): string {
  const url = process.env.PORTCULLIS_TEST_PG_URL;
  if (!url) throw new Error('PORTCULLIS_TEST_PG_URL is not set: the e2e global setup starts a throwaway cluster (.ci/pg-cluster.sh) or .ci/run exports it');
  return url;
}

/** Whether PostgreSQL's server binaries are installed (Debian's `postgresql` puts them under /usr/lib/postgresql). */
export function postgresInstalled(): boolean {
  if (process.env.PG_BINDIR) return fs.existsSync(`${process.env.PG_BINDIR}/initdb`);
  const root = '/usr/lib/postgresql';
  return fs.existsSync(root) && fs.readdirSync(root).some((v) => fs.existsSync(`${root}/${v}/bin/initdb`));
}

/** Starts a throwaway cluster recorded in `stateFile`; returns its URL. */
export function startCluster(stateFile: string): string {
  const result = spawnSync(CLUSTER_SCRIPT, ['start', stateFile], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${CLUSTER_SCRIPT} start failed:\n${result.stderr}${result.stdout}`);
  return result.stdout.trim().split('\n').pop()!;
}

/** Stops the cluster recorded in `stateFile` (the script refuses any cluster it did not create). */
export function stopCluster(stateFile: string): void {
  const result = spawnSync(CLUSTER_SCRIPT, ['stop', stateFile], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${CLUSTER_SCRIPT} stop failed:\n${result.stderr}${result.stdout}`);
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Runs SQL through psql, synchronously (the e2e fixtures are synchronous, like better-sqlite3). Values are
 * passed as psql variables and written into the SQL as `:'name'`, which psql quotes as a literal: no value
 * is ever spliced into the text. Returns the rows of a final `SELECT` as objects (json_agg), else [].
 */
export function psql<T = Record<string, unknown>>(url: string, sql: string, vars: Record<string, string | number | boolean | null> = {}): T[] {
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url];
  for (const [name, value] of Object.entries(vars)) {
    if (value !== null) args.push('-v', `${name}=${typeof value === 'boolean' ? (value ? 1 : 0) : value}`);
  }
  const result = spawnSync('psql', args, { input: sql, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}\n${sql}`);
  const out = result.stdout.trim();
  return out === '' ? [] : ((JSON.parse(out) as T[] | null) ?? []);
}

/** Creates a fresh, empty database on the test cluster; returns its URL. */
export function createDatabase(prefix: string): { name: string; url: string } {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = testClusterUrl();
  psql(admin, `CREATE DATABASE ${name}`);
  return { name, url: withDatabase(admin, name) };
}

/** Drops a database this run created (connections still open to it are ended). */
export function dropDatabase(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a test database name: ${name}`);
  psql(testClusterUrl(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { migrateDatabase, openDatabase } from '../../db/migrate';
import { common, mail, postgresServer, servers } from '../../playwright.config';
import { buildCliBundle } from './cli-bundle';
import { createDatabase, dropDatabase, postgresInstalled, startCluster, stopCluster } from './postgres';

/**
 * Fails early and clearly without a production build; makes sure both fresh SQLite databases are migrated;
 * then the PostgreSQL side: the test cluster (PORTCULLIS_TEST_PG_URL from .ci/run, else a throwaway one
 * started here when PostgreSQL is installed, else a loud failure) and the `postgres` project's server on a
 * fresh database of it. Returns the teardown that stops what it started.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!fs.existsSync('.next/BUILD_ID')) {
    throw new Error('No production build: run `npm run test:e2e` (it runs `next build` first).');
  }
  for (const server of Object.values(servers)) {
    const { db, sqlite } = openDatabase(server.db);
    migrateDatabase(db);
    sqlite.close();
  }
  // The operator CLI the specs run (e2e/support/cli-bundle.ts), compiled from the current source.
  await buildCliBundle();

  const runDir = path.dirname(servers.proxied.db);
  const stateFile = path.join(runDir, 'pg-cluster.state');
  let ownCluster = false;
  if (!process.env.PORTCULLIS_TEST_PG_URL) {
    if (!postgresInstalled()) {
      throw new Error(
        'The e2e suite needs PostgreSQL: set PORTCULLIS_TEST_PG_URL to a throwaway cluster (.ci/run does), or install Debian\'s `postgresql` (apt-get install -y postgresql) so that the global setup can start one with .ci/pg-cluster.sh.',
      );
    }
    // Workers inherit the runner's environment: the specs find the cluster through the same variable.
    process.env.PORTCULLIS_TEST_PG_URL = startCluster(stateFile);
    ownCluster = true;
  }
  let database: { name: string; url: string } | undefined;
  let server: { stop(): void } | undefined;
  const teardown = async () => {
    server?.stop();
    try {
      if (database) dropDatabase(database.name);
    } finally {
      if (ownCluster) stopCluster(stateFile);
    }
  };
  try {
    database = createDatabase('portcullis_e2e');
    process.env.PORTCULLIS_E2E_PG_DATABASE_URL = database.url;
    server = await startPostgresServer(database.url);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

/** server.ts on PostgreSQL, configured like the `proxied` webServer; its output goes where the log check reads it. */
async function startPostgresServer(databaseUrl: string): Promise<{ stop(): void }> {
  const log = fs.openSync(postgresServer.log, 'a');
  const child = spawn('npx', ['tsx', 'server.ts', '--no-demo'], {
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...common,
      PORT: String(postgresServer.port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      // Unused with DATABASE_URL; kept inside the run folder so that nothing can land in the checkout's ./data.
      DATABASE_PATH: path.join(path.dirname(postgresServer.log), 'postgres-server-unused.db'),
      TRUSTED_PROXIES: '127.0.0.1,::1',
      MAIL_AUTH_SECRET: mail.secret,
      IMAP_BACKEND: `127.0.0.1:${mail.backendImapPort}`,
      MAIL_AUTH_WAIT_SECONDS: '1',
    },
  });
  fs.closeSync(log);
  const stop = () => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const url = `http://127.0.0.1:${postgresServer.port}/login`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return { stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`the PostgreSQL server on port ${postgresServer.port} did not start:\n${fs.readFileSync(postgresServer.log, 'utf8').slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests run against the production build (`next build` runs once before, in `npm run test:e2e`)
 * served by server.ts, exactly as in production. The config is evaluated by the runner and again by each
 * worker; the run folder is decided once and inherited through the environment.
 */
if (!process.env.PORTCULLIS_E2E_DIR) {
  process.env.PORTCULLIS_E2E_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-e2e-'));
  // The global teardown removes the run folder once its last check has read the logs (a folder given from
  // outside is left where it is).
  process.env.PORTCULLIS_E2E_DIR_MADE = process.env.PORTCULLIS_E2E_DIR;
}
const runDir = process.env.PORTCULLIS_E2E_DIR;

// Several checkouts on one machine can run their suites at once with different bases.
const portBase = Number(process.env.PORTCULLIS_E2E_PORT_BASE ?? 3200);

export const servers = {
  /**
   * Trusts 127.0.0.1/::1 as a reverse proxy, so tests can play clients from any address with X-Forwarded-For.
   * Runs the machine process too (machine-server.ts on `machinePort`), which nginx's mail proxy asks.
   */
  proxied: { port: portBase + 1, machinePort: portBase + 4, db: path.join(runDir, 'proxied.db') },
  /** No trusted proxies and listening on `::`: the default, spoof-proof configuration over IPv4 and IPv6. */
  direct: { port: portBase + 2, db: path.join(runDir, 'direct.db') },
};

/**
 * The `postgres` project's server: configured like `proxied` (trusts 127.0.0.1/::1), on a fresh database of
 * the test PostgreSQL cluster. The global setup starts both (e2e/support/global-setup.ts): Playwright starts
 * its webServers before the global setup, and the cluster's URL is only known then.
 */
export const postgresServer = { port: portBase + 3, log: path.join(runDir, 'postgres.log') };

/** Two instances on one PostgreSQL database behind nginx (e2e/multi-instance.spec.ts). */
export const multiInstance = { instanceA: portBase + 60, instanceB: portBase + 61, nginx: portBase + 62 };

/**
 * The specs that also run against the PostgreSQL server (project `postgres`): sign-in, the session gate,
 * forced change, admin (incl. tenant isolation) and the API, the behaviours whose correctness depends on the
 * data layer. The rest of the suite exercises engine-independent code and runs on SQLite only.
 */
const onPostgres = ['sign-in', 'session-gate', 'forced-change', 'admin-isolation', 'api-methods'];

/**
 * e2e/mail-kick.spec.ts: its own mail stack (nginx, Dovecot with the doveadm API, the stand-in in front of it)
 * and its own server.ts processes configured with MAIL_KICK_URL, so it never shares ports with imap.spec.ts.
 */
export const mailKick = {
  imap: portBase + 70,
  imaps: portBase + 71,
  backend: portBase + 72,
  doveadm: portBase + 73,
  standIn: portBase + 74,
  server: portBase + 75,
  instanceA: portBase + 76,
  instanceB: portBase + 77,
};

/** e2e/app-passwords.spec.ts: its own mail stack and server (like mail-kick's), with MAIL_KICK_URL set. */
export const appPasswordStack = {
  imap: portBase + 110,
  imaps: portBase + 111,
  backend: portBase + 112,
  doveadm: portBase + 113,
  standIn: portBase + 114,
  server: portBase + 115,
};
/** e2e/machine-process.spec.ts: server.ts processes of its own with MACHINE_PORT set. */
export const machineProcess = { server: portBase + 130, machine: portBase + 131, busyServer: portBase + 132, busyMachine: portBase + 133 };
/** Alerts (e2e/notifications.spec.ts): the proxied server sends e-mail to this SMTP sink the spec starts. */
export const notify = { smtp: portBase + 85 };

/** nginx's mail proxy and the Dovecot backend started by the IMAP tests; the proxied server answers auth_http. */
export const mail = {
  secret: 'e2e-mail-auth-secret-0123456789',
  proxyImapPort: portBase + 43,
  backendImapPort: portBase + 44,
  runDir,
};

const chromium = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => fs.existsSync(p));

export const common = {
  NODE_ENV: 'production' as const,
  NEXT_TELEMETRY_DISABLED: '1',
  AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
  // Low cost keeps the suite fast; timing equality is about equal work per path, not the cost value.
  BCRYPT_COST: '4',
  PATH: process.env.PATH ?? '',
  // The servers' temporary files (tsx's cache, and its IPC pipe, which a killed server leaves behind) go into
  // the run folder, which the global teardown removes.
  TMPDIR: runDir,
};

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  // .ci/run sums up the unit and end-to-end results from JSON reports in this folder.
  reporter: process.env.PORTCULLIS_TEST_REPORT_DIR ? [['list'], ['json', { outputFile: path.join(process.env.PORTCULLIS_TEST_REPORT_DIR, 'e2e.json') }]] : [['list']],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalSetup: './e2e/support/global-setup.ts',
  // Checks that the servers' logs contain none of the secrets the tests used.
  globalTeardown: './e2e/support/global-teardown.ts',
  use: {
    baseURL: `http://127.0.0.1:${servers.proxied.port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    },
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'] } },
    {
      name: 'postgres',
      testMatch: onPostgres.map((name) => `${name}.spec.ts`),
      use: { ...devices['Desktop Chrome'], baseURL: `http://127.0.0.1:${postgresServer.port}` },
    },
  ],
  webServer: [
    {
      // The log is kept in the run folder for the final check (e2e/support/global-teardown.ts).
      command: `npx tsx server.ts --no-demo 2>&1 | tee -a '${path.join(runDir, 'proxied.log')}'`,
      url: `http://127.0.0.1:${servers.proxied.port}/login`,
      env: {
        ...common,
        PORT: String(servers.proxied.port),
        MACHINE_PORT: String(servers.proxied.machinePort),
        HOST: '127.0.0.1',
        DATABASE_PATH: servers.proxied.db,
        TRUSTED_PROXIES: '127.0.0.1,::1',
        MAIL_AUTH_SECRET: mail.secret,
        IMAP_BACKEND: `127.0.0.1:${mail.backendImapPort}`,
        // Keeps refused IMAP logins quick in tests; production uses the spec's 3 s.
        MAIL_AUTH_WAIT_SECONDS: '1',
        // Alerts: webhooks may reach the tests' loopback receivers (127.0.0.1 only), e-mail goes to the sink.
        NOTIFY_ALLOW_NETS: '127.0.0.1',
        SMTP_URL: `smtp://127.0.0.1:${notify.smtp}`,
      },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
    },
    {
      command: `npx tsx server.ts --no-demo 2>&1 | tee -a '${path.join(runDir, 'direct.log')}'`,
      url: `http://127.0.0.1:${servers.direct.port}/login`,
      env: { ...common, PORT: String(servers.direct.port), HOST: '::', DATABASE_PATH: servers.direct.db, TRUSTED_PROXIES: '' },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
    },
  ],
});

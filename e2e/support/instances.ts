import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { renderTemplate } from '../../lib/config-template';
import { mail, multiInstance, servers } from '../../playwright.config';
import { postgresDatabaseUrl } from './fixtures';
import { startOwnServer, type OwnServer } from './server-process';

/**
 * Two server.ts instances on one PostgreSQL database behind nginx, configured with
 * deploy/nginx/portcullis-instances.conf (round-robin upstream, no stickiness), as an operator runs them.
 * The test's nginx adds one header the deployed file does not have, `X-Portcullis-Upstream` (the instance
 * that answered), so that tests can see the requests alternate.
 */

export const UPSTREAM_HEADER = 'x-portcullis-upstream';

export interface Instances {
  a: OwnServer;
  b: OwnServer;
  /** nginx in front of both. */
  nginxUrl: string;
  /** Which instance an upstream address (the header) names. */
  nameOf(upstream: string | undefined): 'a' | 'b' | undefined;
  stop(): void;
}

function startNginx(dir: string): ChildProcess {
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const site = renderTemplate(fs.readFileSync('deploy/nginx/portcullis-instances.conf', 'utf8'), {
    LISTEN: `127.0.0.1:${multiInstance.nginx}`,
    INSTANCE_A: `127.0.0.1:${multiInstance.instanceA}`,
    INSTANCE_B: `127.0.0.1:${multiInstance.instanceB}`,
  });
  fs.writeFileSync(path.join(dir, 'site.conf'), site);
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      // One worker: its round-robin is the one every request passes, so consecutive requests alternate.
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/logs/error.log;`,
      'events { worker_connections 512; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${dir}/tmp;`,
      `  proxy_temp_path ${dir}/tmp;`,
      // Test only: names the instance that answered (inherited by the site's location, which sets no header).
      '  add_header X-Portcullis-Upstream $upstream_addr always;',
      `  include ${dir}/site.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  return spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { detached: true, stdio: 'ignore' });
}

/**
 * Starts both instances and nginx; the caller must call stop(), which also keeps the instances' output in
 * the run folder for the log check (e2e/support/global-teardown.ts). They share the database of the
 * `postgres` project's server (tests make their own accounts, so a third instance on it changes nothing),
 * which the global setup already migrated.
 */
export async function startInstances(): Promise<Instances> {
  const runDir = path.dirname(servers.proxied.db);
  const env = {
    DATABASE_URL: postgresDatabaseUrl(),
    TRUSTED_PROXIES: '127.0.0.1,::1',
    MAIL_AUTH_SECRET: mail.secret,
    IMAP_BACKEND: `127.0.0.1:${mail.backendImapPort}`,
    MAIL_AUTH_WAIT_SECONDS: '1',
  };
  const started: OwnServer[] = [];
  let nginx: ChildProcess | undefined;
  const stop = () => {
    if (nginx?.pid) {
      try {
        process.kill(-nginx.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    started.forEach((server, i) => {
      server.kill();
      fs.writeFileSync(path.join(runDir, `instance-${'ab'[i]}-${process.pid}.log`), server.output());
    });
  };
  try {
    // Started together, as a deployment would (concurrent migrations wait for each other: db/migrate-pg.ts).
    const results = await Promise.allSettled([startOwnServer(multiInstance.instanceA, env), startOwnServer(multiInstance.instanceB, env)]);
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    nginx = startNginx(fs.mkdtempSync(path.join(runDir, 'nginx-multi-')));
    const nginxUrl = `http://127.0.0.1:${multiInstance.nginx}`;
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${nginxUrl}/login`).then((r) => r.status, () => 0)) !== 200) {
      if (nginx.exitCode !== null || Date.now() > deadline) throw new Error('nginx in front of the two instances did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const [a, b] = started as [OwnServer, OwnServer];
    return {
      a,
      b,
      nginxUrl,
      nameOf: (upstream) => (upstream === `127.0.0.1:${multiInstance.instanceA}` ? 'a' : upstream === `127.0.0.1:${multiInstance.instanceB}` ? 'b' : undefined),
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}

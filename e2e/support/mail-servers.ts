import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { renderTemplate } from '../../lib/config-template';

/**
 * nginx's mail proxy and a Dovecot backend on loopback, run from a temp folder with configurations rendered
 * from the deploy/ templates (so the tests run what operators deploy). nginx asks the Portcullis server at
 * `authUrl`; Dovecot trusts only 127.0.0.1 (the proxy), so test clients connect from other loopback
 * addresses (127.0.0.2, 127.0.0.3, …).
 */

const NGINX_MAIL_MODULE = '/usr/lib/nginx/modules/ngx_mail_module.so';
const PROXY_ADDRESS = '127.0.0.1';

export interface MailServerPorts {
  /** nginx: IMAP with STARTTLS. */
  imap: number;
  /** nginx: IMAP over TLS. */
  imaps: number;
  /** Dovecot, reached by nginx only. */
  backend: number;
  /** Dovecot's doveadm HTTP API (the mail disconnect tests); default: backend + 2. */
  doveadm?: number;
}

/** The doveadm API key of the test Dovecot (deploy/dovecot/dovecot.conf `doveadm_api_key`). */
export const DOVEADM_API_KEY = 'e2e-doveadm-api-key-0123456789';

export interface MailServers {
  ports: MailServerPorts;
  /** The self-signed certificate nginx presents (for 127.0.0.1 and localhost), for clients to trust. */
  certificate: string;
  /** nginx's error log and Dovecot's log, for failure messages. */
  logs(): string;
  stop(): void;
}

function requireTool(file: string, hint: string): void {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${hint}`);
}

function which(command: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${command} is not installed (apt-get install -y nginx libnginx-mod-mail dovecot-imapd openssl)`);
  return found;
}

function render(template: string, values: Record<string, string>): string {
  return renderTemplate(fs.readFileSync(path.join('deploy', template), 'utf8'), values);
}

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'tls-cert.pem');
  const key = path.join(dir, 'tls-key.pem');
  const result = spawnSync(
    which('openssl'),
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl could not make a test certificate: ${result.stderr}`);
  return { cert, key };
}

function start(command: string, args: string[], logFile: string): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  // Its own process group, so stop() can kill the master and every worker at once.
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return child;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPorts(ports: number[], children: ChildProcess[], logs: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const exited = children.find((c) => c.exitCode !== null);
    if (exited) throw new Error(`${exited.spawnfile} exited with ${exited.exitCode}:\n${logs()}`);
    if ((await Promise.all(ports.map(accepts))).every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`mail servers did not open ports ${ports.join(', ')}:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The ports are fixed, so only one set of servers may run at a time: when Playwright runs two copies of a
 * spec at once (--repeat-each, a retry in a fresh worker), the second waits for the first to stop. A lock
 * left by a process that died is taken over.
 */
async function acquireLock(file: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      let held = true;
      return () => {
        if (held) fs.rmSync(file, { force: true });
        held = false;
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the mail servers are still in use by process ${holder} (${file})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts Dovecot and nginx; the caller must call stop() (it kills both process groups). `lockFile` makes
 * concurrent callers in other processes wait their turn.
 */
export async function startMailServers(options: { ports: MailServerPorts; authUrl: string; secret: string; lockFile: string }): Promise<MailServers> {
  requireTool(NGINX_MAIL_MODULE, 'apt-get install -y libnginx-mod-mail');
  const nginx = which('nginx');
  const dovecot = which('dovecot');
  const release = await acquireLock(options.lockFile, 45_000);
  let madeDir: string | undefined;
  try {

    const dir = (madeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-mail-')));
    // mkdtemp makes the folder 0700; Dovecot works on the mail folders as `nobody` and must traverse it.
    fs.chmodSync(dir, 0o755);
    for (const sub of ['nginx', 'dovecot-base', 'dovecot-state', 'mail']) fs.mkdirSync(path.join(dir, sub), { mode: 0o755 });
    const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    const nogroup = Number(spawnSync('getent', ['group', 'nogroup'], { encoding: 'utf8' }).stdout.split(':')[2]);
    fs.chownSync(path.join(dir, 'mail'), nobody, nogroup);
    const tls = selfSignedCertificate(dir);

    fs.writeFileSync(
      path.join(dir, 'dovecot.conf'),
      render('dovecot/dovecot.conf', {
        BASE_DIR: path.join(dir, 'dovecot-base'),
        STATE_DIR: path.join(dir, 'dovecot-state'),
        LOG_PATH: '/dev/stderr',
        PROXY_NETWORK: `${PROXY_ADDRESS}/32`,
        LISTEN_ADDRESS: PROXY_ADDRESS,
        LISTEN_PORT: String(options.ports.backend),
        MAIL_USER: 'nobody',
        MAIL_GROUP: 'nogroup',
        MAIL_HOME: path.join(dir, 'mail'),
        DOVEADM_API_KEY,
        DOVEADM_ADDRESS: PROXY_ADDRESS,
        DOVEADM_PORT: String(options.ports.doveadm ?? options.ports.backend + 2),
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'mail.conf'),
      render('nginx/mail.conf', {
        SERVER_NAME: 'localhost',
        PORTCULLIS_URL: options.authUrl,
        MAIL_AUTH_SECRET: options.secret,
        TLS_CERTIFICATE: tls.cert,
        TLS_CERTIFICATE_KEY: tls.key,
        IMAP_LISTEN: `127.0.0.1:${options.ports.imap}`,
        IMAPS_LISTEN: `127.0.0.1:${options.ports.imaps}`,
      }),
    );
    // The main context a distribution's nginx.conf would provide, kept inside the temp folder.
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        `load_module ${NGINX_MAIL_MODULE};`,
        'daemon off;',
        'worker_processes 1;',
        'user nobody nogroup;',
        `pid ${path.join(dir, 'nginx', 'nginx.pid')};`,
        `error_log ${path.join(dir, 'nginx', 'error.log')} info;`,
        'events { worker_connections 256; }',
        `include ${path.join(dir, 'mail.conf')};`,
        '',
      ].join('\n'),
    );

    const dovecotLog = path.join(dir, 'dovecot.log');
    const nginxLog = path.join(dir, 'nginx', 'error.log');
    const logs = () =>
      [dovecotLog, nginxLog, path.join(dir, 'nginx.out')]
        .filter((f) => fs.existsSync(f))
        .map((f) => `--- ${f}\n${fs.readFileSync(f, 'utf8')}`)
        .join('\n');

    const children = [
      start(dovecot, ['-F', '-c', path.join(dir, 'dovecot.conf')], dovecotLog),
      start(nginx, ['-c', path.join(dir, 'nginx.conf'), '-p', path.join(dir, 'nginx')], path.join(dir, 'nginx.out')),
    ];
    const stop = () => {
      for (const child of children) {
        if (child.pid !== undefined && child.exitCode === null) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
      release();
    };
    try {
      await waitForPorts([options.ports.backend, options.ports.imap, options.ports.imaps, options.ports.doveadm ?? options.ports.backend + 2], children, logs);
    } catch (error) {
      stop();
      throw error;
    }
    return { ports: options.ports, certificate: fs.readFileSync(tls.cert, 'utf8'), logs, stop };
  } catch (error) {
    // A failure before the servers started (stop() removes the folder once they have).
    if (madeDir) fs.rmSync(madeDir, { recursive: true, force: true });
    release();
    throw error;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { servers } from '../playwright.config';

/** Real nginx with deploy/nginx/portcullis-http.conf in front of the server that trusts 127.0.0.1. */
const nginxPort = servers.proxied.port + 80;
let nginx: ChildProcess | undefined;
let dir: string | undefined;

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(process.env.PORTCULLIS_E2E_DIR ?? os.tmpdir(), 'nginx-http-'));
  fs.mkdirSync(path.join(dir, 'logs'));
  const site = fs
    .readFileSync('deploy/nginx/portcullis-http.conf', 'utf8')
    .replace('{{LISTEN}}', `127.0.0.1:${nginxPort}`)
    .replace('{{UPSTREAM}}', `127.0.0.1:${servers.proxied.port}`);
  fs.writeFileSync(path.join(dir, 'site.conf'), site);
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path ${dir}/tmp;\n  proxy_temp_path ${dir}/tmp;\n  include ${dir}/site.conf;\n}\n`,
  );
  nginx = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { detached: true, stdio: 'ignore' });
  await expect.poll(() => fetchFrom('127.0.0.1', {}).then(() => true, () => false), { timeout: 10_000 }).toBe(true);
});

test.afterAll(() => {
  if (nginx?.pid) process.kill(-nginx.pid, 'SIGKILL');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** GET /login through nginx from a chosen loopback source address; returns the address Portcullis shows. */
function fetchFrom(source: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: nginxPort, path: '/login', localAddress: source, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(/data-testid="client-ip">([^<]*)</.exec(body)?.[1] ?? `no address in ${res.statusCode}`));
    });
    req.on('error', reject);
  });
}

test('behind the documented nginx reverse proxy, the client is the address nginx saw, not what the client claims', async () => {
  expect(await fetchFrom('127.0.0.2', {})).toBe('127.0.0.2');
  expect(await fetchFrom('127.0.0.3', { 'X-Forwarded-For': '203.0.113.5', 'X-Real-IP': '203.0.113.5' })).toBe('127.0.0.3');
  expect(await fetchFrom('127.0.0.4', { 'X-Forwarded-For': '203.0.113.5, 198.51.100.7' })).toBe('127.0.0.4');
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cli, expect, formAlert, signIn, SIGN_IN_FAILED, test, signOut } from './support/fixtures';
import { startOwnServer, type OwnServer } from './support/server-process';
import { servers } from '../playwright.config';

test('npm start on an empty data folder migrates, creates the demo data, prints its credentials and serves it', async ({ browser }) => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-start-'));
  const port = servers.direct.port + 7;
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: path.join(dataDir, 'data', 'portcullis.db'), PORT: String(port), HOST: '127.0.0.1', BCRYPT_COST: '4', NEXT_TELEMETRY_DISABLED: '1', TMPDIR: dataDir };
  delete env.AUTH_SECRET;
  delete env.TRUSTED_PROXIES;
  const child = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    await expect.poll(() => output, { timeout: 90_000 }).toContain(`listening on http://127.0.0.1:${port}`);
    expect(output).toContain('AUTH_SECRET is not set; generated one into');
    expect(fs.statSync(path.join(dataDir, 'data', 'auth-secret')).mode & 0o777).toBe(0o600);
    // The credentials come after everything else (a first build's output), for both accounts' admins.
    await expect.poll(() => output).toContain('admin@other.example');
    expect(output.indexOf('Demo data created.')).toBeGreaterThan(output.indexOf(`listening on http://127.0.0.1:${port}`));
    expect(output).toContain(`Webmail sign-in at http://127.0.0.1:${port}/login`);
    expect(output).toMatch(/admin@example\.com\s+\S+/);
    expect(output).not.toContain('127.0.0.1:3000');
    const carol = /carol@example\.com\s+(\S+)/.exec(output)?.[1];
    const bob = /bob@example\.com\s+(\S+)/.exec(output)?.[1];
    expect(carol).toBeTruthy();

    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
    const page = await context.newPage();
    // carol is allowed from 127.0.0.1 and ::1 only: this machine.
    await signIn(page, 'carol@example.com', carol!);
    await expect(page).toHaveURL(/\/mail$/);
    await expect(page.getByRole('link', { name: 'Welcome to your mailbox' })).toBeVisible();
    await signOut(page);
    // bob is restricted to documentation networks: refused here.
    await signIn(page, 'bob@example.com', bob!);
    await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
    await context.close();

    // Spec §23 "Files" (the server has written, so its -wal/-shm exist): the data folder the server
    // created is 0700, the database and its -wal/-shm 0600.
    const mode = (...parts: string[]) => fs.statSync(path.join(dataDir, ...parts)).mode & 0o777;
    expect(mode('data')).toBe(0o700);
    for (const file of ['portcullis.db', 'portcullis.db-wal', 'portcullis.db-shm']) expect(mode('data', file), file).toBe(0o600);
    expect(output).toContain(`created the data folder ${path.join(dataDir, 'data')} (mode 0700)`);
    // So is a backup, and a folder the backup creates.
    const backup = cli(['backup', '--to', path.join(dataDir, 'backups', 'nightly.db')], 'direct', { DATABASE_PATH: env.DATABASE_PATH! });
    expect(backup.status, backup.stderr).toBe(0);
    expect(mode('backups')).toBe(0o700);
    expect(mode('backups', 'nightly.db')).toBe(0o600);
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an existing database others could read is narrowed to 0600 and a wider data folder is reported, not changed', async () => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-modes-'));
  fs.chmodSync(dataDir, 0o755);
  const file = path.join(dataDir, 'portcullis.db');
  // As an older version left it: created with the default umask.
  fs.writeFileSync(file, '', { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  let server: OwnServer | undefined;
  try {
    server = await startOwnServer(servers.direct.port + 8, { DATABASE_PATH: file });
    // A refused sign-in writes through the server's own connection, which keeps its -wal/-shm open.
    const refused = await fetch(`${server.url}/v1/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'auth', params: { user: 'nobody@example.com', pass: 'not-the-password' }, id: 1 }) });
    expect(refused.status).toBe(200);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    for (const suffix of ['-wal', '-shm']) expect(fs.statSync(`${file}${suffix}`).mode & 0o777, suffix).toBe(0o600);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o755);
    const own = server;
    await expect.poll(() => own.output()).toContain(`${file} could be read by other users of this machine; narrowed it to mode 0600`);
    expect(own.output()).toContain(`the data folder ${dataDir} is mode 0755`);
  } finally {
    server?.kill();
    for (const d of [dataDir, server?.dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('npm start on a port that is already in use says so in one line naming the port and exits non-zero', async () => {
  test.setTimeout(60_000);
  // A port of this test's own (+8 is the previous test's server: the two run in parallel).
  const port = servers.direct.port + 9;
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-busy-'));
  try {
    // TMPDIR: tsx keeps its cache there; the folder goes with the test's.
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: path.join(dataDir, 'portcullis.db'), PORT: String(port), HOST: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', TMPDIR: dataDir };
    const child = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).not.toBe(0);
    const naming = output.split('\n').filter((line) => line.includes(String(port)));
    expect(naming).toEqual([`portcullis: port ${port} on 127.0.0.1 is already in use (is Portcullis already running?): stop that server or set PORT to a free port`]);
    expect(output).not.toContain('EADDRINUSE');
    expect(output.split('\n').filter((line) => line.trimStart().startsWith('at '))).toEqual([]);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

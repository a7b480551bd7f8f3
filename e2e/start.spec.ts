import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, formAlert, signIn, SIGN_IN_FAILED, test, signOut } from './support/fixtures';
import { servers } from '../playwright.config';

test('npm start on an empty data folder migrates, creates the demo data, prints its credentials and serves it', async ({ browser }) => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-start-'));
  const port = servers.direct.port + 7;
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: path.join(dataDir, 'data', 'portcullis.db'), PORT: String(port), HOST: '127.0.0.1', BCRYPT_COST: '4', NEXT_TELEMETRY_DISABLED: '1' };
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
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }
});

test('npm start on a port that is already in use says so in one line naming the port and exits non-zero', async () => {
  test.setTimeout(60_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-busy-'));
  const port = servers.direct.port + 8;
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: path.join(dataDir, 'portcullis.db'), PORT: String(port), HOST: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1' };
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

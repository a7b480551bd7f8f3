import fs from 'node:fs';
import net from 'node:net';
import { machineProcess } from '../playwright.config';
import { expect, test } from './support/fixtures';
import { authHttp, nginxHeaders } from './support/auth-http';
import { startOwnServer } from './support/server-process';

/*
 * `npm start` with MACHINE_PORT: server.ts and the machine process (machine-server.ts) as one service. What
 * the machine process answers, and that it loads no Next.js, is in lib/machine-endpoints/machine-process.test.ts;
 * nginx's mail proxy asks it in e2e/imap.spec.ts (the proxied server runs one).
 */

const SECRET = 'e2e-machine-process-secret-0123456789';

// One service at a time on the fixed ports of this file.
test.describe.configure({ mode: 'serial' });

/** The pid of the process that logged a line matching `marker` (every log line names its process). */
function pidOf(output: string, marker: string): number {
  const line = output.split('\n').find((l) => l.includes(marker) && /"pid":\d+/.test(l));
  if (!line) throw new Error(`no log line with ${marker}:\n${output}`);
  return Number(/"pid":(\d+)/.exec(line)![1]);
}

/**
 * The machine process's pid, from its "listening" line: /readyz answers once the process is ready, and its
 * line, relayed through server.ts's output, may arrive a moment later.
 */
async function machinePidOf(server: { output(): string }): Promise<number> {
  await expect.poll(() => server.output().includes('machine endpoints'), { timeout: 10_000 }).toBe(true);
  return pidOf(server.output(), 'machine endpoints');
}

function closed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('npm start with MACHINE_PORT serves auth_http and the health checks on it, /readyz covers both, and SIGTERM stops both cleanly', async () => {
  test.setTimeout(120_000);
  const server = await startOwnServer(machineProcess.server, { MACHINE_PORT: String(machineProcess.machine), MAIL_AUTH_SECRET: SECRET });
  try {
    const machineUrl = `http://127.0.0.1:${machineProcess.machine}`;
    // startOwnServer waited for the web server's /readyz, which waits for the machine process.
    expect(await (await fetch(`${server.url}/readyz`)).text()).toBe('ready\n');
    expect(await (await fetch(`${machineUrl}/healthz`)).text()).toBe('ok\n');
    expect(await (await fetch(`${machineUrl}/readyz`)).text()).toBe('ready\n');
    // auth_http as nginx sends it: an unknown mailbox gets the one refusal; the wrong secret is 403.
    const answer = await authHttp({ ...nginxHeaders('nobody@example.test', 'Some-Password-1234', '198.51.100.20'), 'X-Mail-Auth-Secret': SECRET }, machineProcess.machine);
    expect(answer.headers['auth-status']).toBe('Invalid login or password');
    expect((await authHttp({ ...nginxHeaders('nobody@example.test', 'Some-Password-1234', '198.51.100.20'), 'X-Mail-Auth-Secret': 'not-the-secret-0123456789' }, machineProcess.machine)).status).toBe(403);
    // Pages stay on PORT.
    expect((await fetch(`${machineUrl}/login`)).status).toBe(404);
    expect((await fetch(`${server.url}/login`)).status).toBe(200);

    const machinePid = await machinePidOf(server);
    // The web server's gate token stays with the web server: nothing in the machine process receives it.
    expect(fs.readFileSync(`/proc/${machinePid}/environ`, 'latin1').split('\0').filter((v) => v.startsWith('PORTCULLIS_GATE_TOKEN='))).toEqual([]);
    expect(fs.readFileSync(`/proc/${machinePid}/environ`, 'latin1')).toContain(`MACHINE_PORT=${machineProcess.machine}`);
    server.signal('SIGTERM');
    expect(await server.exited()).toBe(0);
    // The machine process was drained and stopped first: both ports are free, its process gone.
    expect(await closed(machineProcess.machine)).toBe(true);
    expect(await closed(machineProcess.server)).toBe(true);
    expect(() => process.kill(machinePid, 0)).toThrow();
    expect(server.output()).toContain('machine process drained; database closed; exiting');
  } finally {
    server.kill();
  }
});

test('if the machine process dies, the whole service exits non-zero and says why', async () => {
  test.setTimeout(120_000);
  const server = await startOwnServer(machineProcess.server, { MACHINE_PORT: String(machineProcess.machine), MAIL_AUTH_SECRET: SECRET });
  try {
    process.kill(await machinePidOf(server), 'SIGKILL');
    expect(await server.exited()).toBe(1);
    expect(server.output()).toContain(`portcullis: the machine process (MACHINE_PORT ${machineProcess.machine}) exited (SIGKILL); stopping the whole service`);
    expect(await closed(machineProcess.server)).toBe(true);
  } finally {
    server.kill();
  }
});

test('a MACHINE_PORT already in use stops npm start at once with one line naming it', async () => {
  test.setTimeout(60_000);
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(machineProcess.busyMachine, '127.0.0.1', resolve));
  try {
    const error = await startOwnServer(machineProcess.busyServer, { MACHINE_PORT: String(machineProcess.busyMachine) }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toContain(`portcullis: port ${machineProcess.busyMachine} on 127.0.0.1 is already in use (is Portcullis already running?): stop that server or set MACHINE_PORT to a free port`);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});

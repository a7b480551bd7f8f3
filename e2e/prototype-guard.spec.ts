import path from 'node:path';
import { servers } from '../playwright.config';
import { startOwnServer } from './support/server-process';
import { expect, test } from './support/fixtures';

/*
 * Spec §23: the running server's shared prototypes are sealed, and a change to one turns /readyz to 503 with
 * an error log line. The change is made from inside the server process by a test-only preload
 * (e2e/support/change-prototype-on-signal.mjs, loaded through NODE_OPTIONS), not through anything the app
 * exposes.
 */
test('a changed Object.prototype turns /readyz to 503 (prototype_changed) and is logged at error level; adding to it throws', async () => {
  test.setTimeout(120_000);
  const preload = path.resolve('e2e/support/change-prototype-on-signal.mjs');
  const server = await startOwnServer(servers.direct.port + 33, { NODE_OPTIONS: `--import=${preload}` });
  try {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    server.signal('SIGUSR2');
    await expect.poll(() => server.output(), { timeout: 10_000 }).toContain('prototype-test: replaced');
    expect(server.output()).toContain('prototype-test: adding refused: TypeError');
    expect(server.output()).not.toContain('prototype-test: added\n');

    const ready = await fetch(`${server.url}/readyz`);
    expect(`${ready.status} ${await ready.text()}`).toBe('503 not ready: prototype_changed\n');
    // Liveness is another question: the process answers, a load balancer just stops sending it traffic.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await expect.poll(() => server.output(), { timeout: 10_000 }).toMatch(/"level":"error"[^\n]*a shared prototype was changed \(Object\.prototype\.toLocaleString\)/);
  } finally {
    server.kill();
    await server.exited();
  }
});

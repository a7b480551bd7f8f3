import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { authenticate, call, rpc } from './support/api';
import { accountWithAdmin } from './support/admin';
import { createMailbox, expect, test } from './support/fixtures';
import { cliCommand } from './support/cli-bundle';
import { startOwnServer } from './support/server-process';
import { servers } from '../playwright.config';

/** The operator CLI, without blocking this process (the test keeps writing meanwhile). */
function cliAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [command, commandArgs] = cliCommand(args);
    const child = spawn(command, commandArgs, { env: { ...process.env, DATABASE_PATH: servers.proxied.db, BCRYPT_COST: '4', TMPDIR: path.dirname(servers.proxied.db) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// The folders this file's test made in the temporary directory, removed after it whatever the result.
const made: string[] = [];
test.afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

test('cli backup taken while the server applies changes is a consistent database that a server can serve', async ({ request }) => {
  test.setTimeout(180_000);
  const { account, admin } = accountWithAdmin();
  const boxes = Array.from({ length: 25 }, () => createMailbox(account, { messages: 0 }));
  const { token } = await authenticate(request, admin.email, admin.password, '198.51.100.211');

  // The server keeps changing every mailbox's list (each change one transaction with its audit row).
  let round = 0;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      round++;
      const batch = boxes.map((b, i) => call('mail.set', { mail: b.email, allow_nets: `192.0.2.${(round % 250) + 1}/32` }, i + 1));
      const { json } = await rpc(request, batch, { token, ip: '198.51.100.211' });
      expect(json.every((r: { result?: unknown }) => r.result === true)).toBe(true);
    }
  })();
  await expect.poll(() => round, { timeout: 30_000 }).toBeGreaterThan(1);
  const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-backup-'));
  made.push(copyDir);
  const file = path.join(copyDir, 'copy.db');
  const startRound = round;
  const backup = await cliAsync(['backup', '--to', file]);
  const endRound = round;
  writing = false;
  await writer;
  expect(backup.stderr).toBe('');
  expect(backup.status).toBe(0);
  expect(backup.stdout).toContain(`to ${file}`);
  expect(backup.stdout).toContain('integrity check ok');
  // The writer was running while the backup was taken.
  expect(endRound).toBeGreaterThanOrEqual(startRound);

  // Consistent: every mailbox's list in the copy is the one its last audited change set.
  const copy = new Database(file, { readonly: true });
  expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
  for (const box of boxes) {
    const row = copy.prepare('SELECT allow_nets AS nets FROM mailboxes WHERE id = ?').get(box.id) as { nets: string | null };
    const last = copy.prepare("SELECT detail FROM audit_events WHERE mailbox_id = ? AND event = 'allow_nets_changed' ORDER BY id DESC LIMIT 1").get(box.id) as { detail: string } | undefined;
    expect(row.nets, box.email).toBe(last ? (JSON.parse(last.detail) as { new: string }).new : null);
  }
  const expected = copy.prepare('SELECT allow_nets AS nets FROM mailboxes WHERE id = ?').get(boxes[0]!.id) as { nets: string | null };
  copy.close();

  // A second backup to the same file is refused, and the first is untouched.
  const again = await cliAsync(['backup', '--to', file]);
  expect(again.status).toBe(1);
  expect(again.stderr).toContain('already exists');

  // Restore: a server started on the copy is ready and serves its data.
  const server = await startOwnServer(servers.direct.port + 22, { DATABASE_PATH: file });
  try {
    const auth = await fetch(`${server.url}/v1/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(call('auth', { user: admin.email, pass: admin.password })) }).then((r) => r.json());
    const session = auth.result.session as string;
    const got = await fetch(`${server.url}/v1/`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'HPLS-AUTH': session }, body: JSON.stringify(call('mail.get', { mail: boxes[0]!.email })) }).then((r) => r.json());
    expect(got.result.allow_nets).toBe(expected.nets ?? '');
  } finally {
    server.kill();
  }
});

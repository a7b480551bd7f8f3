import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect, type RunnerTask, type RunnerTestFile } from 'vitest';
import { postgresListMismatch } from './postgres-files';

// Each test file (vitest runs one per forked worker) gets its own fresh SQLite file, in a folder of its own
// that is removed after the file (npm test fails when anything is left in the temporary directory). The
// folder is only named here: db/migrate.ts makes it when the database is first opened, so a file that never
// opens it, or whose tests are all filtered out (its hooks then never run), leaves nothing behind.
const dir = path.join(os.tmpdir(), `portcullis-unit-${crypto.randomBytes(8).toString('hex')}`);
const databaseFile = path.join(dir, 'unit.db');
process.env.DATABASE_PATH = databaseFile;
process.env.AUTH_SECRET = 'unit-test-secret-unit-test-secret-unit';
process.env.BCRYPT_COST = '4';
process.env.PORTCULLIS_GATE_TOKEN = 'unit-gate-token';
process.env.LOG_LEVEL ??= 'silent';

// The file's task tree, seen from any test that ran: a file whose tests all ran can be said never to open the
// database; one run in part (`-t`, `.only`, skips) or not at all cannot.
let file: RunnerTestFile | undefined;
afterEach(({ task }) => {
  file = task.file;
});
const ranInPart = (task: RunnerTask): boolean => (task.type === 'suite' ? task.tasks.some(ranInPart) : task.mode !== 'run');

// Hooks after a file run in the reverse order of registration: this one, registered first, runs last, after
// the file's own hooks and lib/testing/setup-pg.ts's.
afterAll(async () => {
  // The SQLite file exists once the file opened the app's database (it is created on first use).
  const opened = fs.existsSync(databaseFile);
  if (opened) {
    const { closeSharedEngine } = await import('@/db/connection');
    await closeSharedEngine();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  // On the `postgres` project (DATABASE_URL set) the SQLite file is never made: the list is checked on SQLite.
  if (!process.env.DATABASE_URL) {
    const problem = postgresListMismatch(path.relative(process.cwd(), expect.getState().testPath ?? ''), opened);
    if (problem && (opened || (file !== undefined && !ranInPart(file)))) throw new Error(problem);
  }
});

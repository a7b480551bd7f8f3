import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Each test file (vitest runs one per forked worker) gets its own fresh SQLite file.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-unit-'));
process.env.DATABASE_PATH = path.join(dir, 'unit.db');
process.env.AUTH_SECRET = 'unit-test-secret-unit-test-secret-unit';
process.env.BCRYPT_COST = '4';
process.env.PORTCULLIS_GATE_TOKEN = 'unit-gate-token';
process.env.LOG_LEVEL ??= 'silent';

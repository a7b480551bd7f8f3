import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from './backup';
import { migrateDatabase, openDatabase } from './migrate';
import { preparePrivateDatabase } from './private-files';

// Spec §23 "Files": the database, its -wal/-shm, backups 0600; the data folder 0700.
const mode = (file: string) => fs.statSync(file).mode & 0o777;

let root: string;
let umask: number;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-modes-'));
  // The usual default: without the code under test, files would be 0644 and folders 0755.
  umask = process.umask(0o022);
});

afterEach(() => {
  process.umask(umask);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('private database files', () => {
  it('a new database is created 0600 in a new 0700 folder, and its -wal and -shm are 0600', () => {
    const file = path.join(root, 'data', 'nested', 'portcullis.db');
    const { db, sqlite } = openDatabase(file);
    try {
      migrateDatabase(db);
      sqlite.exec("INSERT INTO accounts (name) VALUES ('Modes')");
      expect(fs.existsSync(`${file}-wal`)).toBe(true);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      expect(mode(path.join(root, 'data', 'nested'))).toBe(0o700);
      expect(mode(path.join(root, 'data'))).toBe(0o700);
    } finally {
      sqlite.close();
    }
  });

  it('narrows an existing database and its -wal/-shm that others could read, and reports it', () => {
    const file = path.join(root, 'old.db');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.writeFileSync(f, '', { mode: 0o644 });
    fs.chmodSync(root, 0o755);
    const report = preparePrivateDatabase(file);
    expect(report.narrowed).toEqual([file, `${file}-wal`, `${file}-shm`]);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f)).toBe(0o600);
    // An existing folder is reported, not changed: it may hold other files (e.g. ./portcullis.db).
    expect(report.widerFolder).toEqual({ folder: root, mode: '0755' });
    expect(report.createdFolder).toBeNull();
    expect(mode(root)).toBe(0o755);
    // Nothing left to report the second time; an existing database keeps its content.
    fs.writeFileSync(file, 'content');
    fs.chmodSync(root, 0o700);
    expect(preparePrivateDatabase(file)).toEqual({ createdFolder: null, widerFolder: null, narrowed: [] });
    expect(fs.readFileSync(file, 'utf8')).toBe('content');
  });

  it('a backup is 0600 and a folder it creates is 0700', async () => {
    const file = path.join(root, 'portcullis.db');
    const { db, sqlite } = openDatabase(file);
    migrateDatabase(db);
    sqlite.close();
    const target = path.join(root, 'backups', 'nightly', 'copy.db');
    const result = await backupDatabase(file, target);
    expect(result.file).toBe(target);
    expect(mode(target)).toBe(0o600);
    expect(mode(path.join(root, 'backups', 'nightly'))).toBe(0o700);
    expect(mode(path.join(root, 'backups'))).toBe(0o700);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['copy.db']);
  });
});

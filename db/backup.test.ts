import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { backupDatabase, backupTarget } from './backup';

/** A fresh folder for one test, removed when the test ends (passed or failed). */
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-backup-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A database where every transaction writes one row to each of two tables: a consistent copy has equal counts. */
function source(dir: string) {
  const file = path.join(dir, 'source.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE changes (id INTEGER PRIMARY KEY, payload TEXT); CREATE TABLE trail (id INTEGER PRIMARY KEY, change_id INTEGER)');
  const write = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) {
      const { lastInsertRowid } = db.prepare('INSERT INTO changes (payload) VALUES (?)').run('x'.repeat(500));
      db.prepare('INSERT INTO trail (change_id) VALUES (?)').run(lastInsertRowid);
    }
  });
  write(5000); // a few MB, so that the copy takes more than one step
  return { file, db, write };
}

describe('backupDatabase', () => {
  it('makes a consistent copy while another connection keeps committing transactions', async () => {
    const dir = tempDir();
    const { file, db, write } = source(dir);
    let commits = 0;
    let writing = true;
    // Commits between the backup's steps (better-sqlite3 runs them on the event loop), as the server would.
    const writer = (async () => {
      while (writing) {
        write(50);
        commits++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const result = await backupDatabase(file, path.join(dir, 'copy.db'));
    writing = false;
    await writer;
    expect(commits).toBeGreaterThan(0);
    const copy = new Database(result.file, { readonly: true });
    const changes = (copy.prepare('SELECT count(*) AS n FROM changes').get() as { n: number }).n;
    const trail = (copy.prepare('SELECT count(*) AS n FROM trail').get() as { n: number }).n;
    expect(changes).toBe(trail);
    expect(changes).toBeGreaterThanOrEqual(5000);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    db.close();
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('never overwrites an existing file, and says which', async () => {
    const dir = tempDir();
    const { file, db } = source(dir);
    const target = path.join(dir, 'exists.db');
    fs.writeFileSync(target, 'keep me');
    await expect(backupDatabase(file, target)).rejects.toThrow(/exists\.db already exists/);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    db.close();
  });

  it('refuses a missing source database', async () => {
    const dir = tempDir();
    await expect(backupDatabase(path.join(dir, 'nope.db'), path.join(dir, 'copy.db'))).rejects.toThrow(/no database at/);
  });
});

describe('backupTarget (cli backup, the engine decided in db/)', () => {
  it('copies a SQLite target and refuses a PostgreSQL one, naming pg_dump, without touching the destination', async () => {
    const dir = tempDir();
    const { file, db } = source(dir);
    db.close();
    const copy = await backupTarget({ kind: 'sqlite', file }, path.join(dir, 'copy.db'));
    expect(copy.bytes).toBeGreaterThan(0);
    const refused = path.join(dir, 'refused.db');
    await expect(backupTarget({ kind: 'postgres', url: 'postgres://127.0.0.1:1/none' }, refused)).rejects.toThrow(/pg_dump/);
    expect(fs.existsSync(refused)).toBe(false);
  });
});

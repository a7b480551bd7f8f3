// Not marked `server-only`: the CLI runs it (through lib/ops/database.ts), and a unit test drives it against a
// database being written.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DatabaseTarget } from './engine';
import { createPrivateFile, preparePrivateFolder } from './private-files';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
}

/**
 * A consistent copy of the SQLite database at `source`, taken while the server keeps writing to it (spec
 * §17). SQLite's online backup (better-sqlite3's `backup()`) copies the pages of one committed state: a
 * write by another connection during the copy makes it start over, so the copy never mixes two states and
 * a transaction (a bulk change, say) is in it entirely or not at all. The copy is written next to the target
 * and renamed into place only after `PRAGMA integrity_check` has passed, so a failed backup never leaves a
 * file that looks like one. An existing target is refused rather than overwritten.
 */
export async function backupDatabase(source: string, target: string): Promise<BackupResult> {
  const file = path.resolve(target);
  if (fs.existsSync(file)) throw new Error(`${target} already exists; choose a new file name (a backup never overwrites)`);
  if (!fs.existsSync(source)) throw new Error(`no database at ${source} (DATABASE_PATH)`);
  // A backup holds everything the database does (spec §23): a folder we create is 0700, and the copy is
  // created 0600 before a page is written into it (SQLite gives its journal the same mode).
  preparePrivateFolder(path.dirname(file));
  const partial = `${file}.partial-${process.pid}`;
  const db = new Database(source, { fileMustExist: true });
  try {
    createPrivateFile(partial);
    // The server may hold a write lock for a moment: wait rather than fail.
    db.pragma('busy_timeout = 5000');
    // Copy everything in one step (the largest count better-sqlite3 takes; the file may have grown since
    // the last count): a step reads one snapshot while WAL lets the server keep writing, whereas small steps
    // start over after every write and, on a busy server, might never finish.
    const { totalPages } = await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new Database(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed SQLite's integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    fs.renameSync(partial, file);
    return { file, bytes: fs.statSync(file).size, pages: totalPages };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

/**
 * `cli backup`: the online copy on SQLite; PostgreSQL has its own tool, named in the refusal, because a
 * consistent copy of a server database is pg_dump's job.
 */
export function backupTarget(target: DatabaseTarget, to: string): Promise<BackupResult> {
  if (target.kind === 'postgres') {
    return Promise.reject(new Error('DATABASE_URL is set: a PostgreSQL database is backed up with pg_dump (e.g. pg_dump --format=custom --file=portcullis.dump "$DATABASE_URL"), not with this command'));
  }
  return backupDatabase(target.file, to);
}

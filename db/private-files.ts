// Used by server.ts, the CLI, the backup and the test setup, outside Next's bundler: no `server-only` here.
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseTarget } from './engine';

/*
 * Spec §23 "Files": the database, its backups and exports are created 0600, the data folder 0700. The
 * database holds password hashes, session token hashes, the audit log and the generated AUTH_SECRET sits
 * beside it, so no other user of the machine may read any of it.
 *
 * Each file is created with its mode before anything is written into it (an empty file is a valid empty
 * SQLite database), instead of a chmod after SQLite has created it: between the two, another user could open
 * the file and keep the descriptor. SQLite gives the -wal, -shm and -journal files it creates the mode of the
 * database file, so they follow. The process umask is left alone: it is process-wide, and the server's other
 * files (the Next.js build) have no reason to be private.
 */

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** What preparing a private folder or file found; server.ts logs it. */
export interface PrivateFilesReport {
  /** The folder did not exist and was created 0700. */
  createdFolder: string | null;
  /** An existing folder that group or others may use (it is left as it is: it may hold other files). */
  widerFolder: { folder: string; mode: string } | null;
  /** Existing files that group or others could read, narrowed to 0600. */
  narrowed: string[];
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * Creates `folder` (and missing parents) 0700 when it does not exist. An existing folder is not changed (it
 * may be shared, e.g. the working directory for `DATABASE_PATH=./portcullis.db`), but reported when group
 * or others have any access to it.
 */
export function preparePrivateFolder(folder: string): Pick<PrivateFilesReport, 'createdFolder' | 'widerFolder'> {
  const dir = path.resolve(folder);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
    // mkdir's mode is narrowed by the umask, never widened; a chmod makes it exactly 0700.
    fs.chmodSync(dir, PRIVATE_FOLDER_MODE);
    return { createdFolder: dir, widerFolder: null };
  }
  return { createdFolder: null, widerFolder: (stat.mode & 0o077) !== 0 ? { folder: dir, mode: octal(stat.mode) } : null };
}

/** Narrows an existing file to 0600 if group or others could read it; returns whether it did. */
function narrowIfWider(file: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if ((stat.mode & 0o077) === 0) return false;
  fs.chmodSync(file, PRIVATE_FILE_MODE);
  return true;
}

/**
 * Creates `file` empty with mode 0600 unless it exists (never truncates); an existing file that group or
 * others could read is narrowed to 0600. Returns whether it narrowed one.
 */
export function createPrivateFile(file: string): boolean {
  try {
    // 'wx' fails if the file exists, so an existing database is never touched here.
    fs.closeSync(fs.openSync(file, 'wx', PRIVATE_FILE_MODE));
    // The umask may only have narrowed the mode; make it exactly 0600.
    fs.chmodSync(file, PRIVATE_FILE_MODE);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return narrowIfWider(file);
  }
}

/**
 * Makes the SQLite database at `file` private before it is opened: the folder created 0700 if missing, the
 * database created empty 0600 if missing, and an existing database, -wal or -shm that others could read
 * (created by an older version, or copied in place) narrowed to 0600. Idempotent and cheap (a few stat calls).
 */
export function preparePrivateDatabase(file: string): PrivateFilesReport {
  if (file === ':memory:' || file === '') return { createdFolder: null, widerFolder: null, narrowed: [] };
  const resolved = path.resolve(file);
  const folder = preparePrivateFolder(path.dirname(resolved));
  const narrowed: string[] = [];
  if (createPrivateFile(resolved)) narrowed.push(resolved);
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (narrowIfWider(resolved + suffix)) narrowed.push(resolved + suffix);
  }
  return { ...folder, narrowed };
}

/**
 * `preparePrivateDatabase` for the configured database: a PostgreSQL server keeps its files itself, so
 * there is nothing to make private here (the engine decision stays in db/).
 */
export function preparePrivateTarget(target: DatabaseTarget): PrivateFilesReport {
  return target.kind === 'sqlite' ? preparePrivateDatabase(target.file) : { createdFolder: null, widerFolder: null, narrowed: [] };
}


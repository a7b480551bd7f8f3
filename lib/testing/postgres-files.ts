// The unit test files that run on PostgreSQL as well as SQLite (postgres-files.json, read by vitest.config.mts):
// exactly the files that open the database. Pure logic runs on SQLite's project only (on PostgreSQL it would be
// the same test twice). The list cannot drift: lib/testing/setup.ts checks every file of the `sqlite` project
// against it (postgresListMismatch). Plain paths, no globs: the check compares them with the file that ran.
import postgresFiles from './postgres-files.json';

export const POSTGRES_FILES: readonly string[] = postgresFiles;

/**
 * Why a test file's place in POSTGRES_FILES is wrong, or null when it is right. `file` is relative to the
 * checkout; `openedDatabase` says whether the file opened the app's database while it ran on SQLite (its
 * database file exists afterwards).
 */
export function postgresListMismatch(file: string, openedDatabase: boolean, list: readonly string[] = POSTGRES_FILES): string | null {
  const listed = list.includes(file);
  if (openedDatabase && !listed) {
    return `${file} opens the database but is not in POSTGRES_FILES (lib/testing/postgres-files.json): add it, so that it runs on PostgreSQL too`;
  }
  if (!openedDatabase && listed) {
    return `${file} is in POSTGRES_FILES (lib/testing/postgres-files.json) but never opens the database: remove it, it would only run the same test twice`;
  }
  return null;
}

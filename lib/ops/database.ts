// Not marked `server-only` for the same reason as db/engine.ts: the CLI runs it outside Next's bundler.
import { backupTarget, type BackupResult } from '../../db/backup';
import { closeSharedEngine } from '../../db/connection';
import { databaseTarget, migrateBeforeUse } from '../../db/engine';

/*
 * The database's own operations for the CLI, which calls services and never db/ (docs/architecture.md):
 * which engine runs, and what that means for migrating and backing up, is decided inside db/.
 */

/** Before a command touches the database: PostgreSQL is migrated; SQLite migrates when first opened. */
export function prepareDatabaseForCommand(): Promise<void> {
  return migrateBeforeUse(databaseTarget());
}

/** A consistent copy of the configured database at `to` (`cli backup`); refused on PostgreSQL, naming pg_dump. */
export function backupDatabaseTo(to: string): Promise<BackupResult> {
  return backupTarget(databaseTarget(), to);
}

/** Ends the database connections (a PostgreSQL pool keeps the process alive until it is ended). */
export function closeDatabase(): Promise<void> {
  return closeSharedEngine();
}

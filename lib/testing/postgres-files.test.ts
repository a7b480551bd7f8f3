import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POSTGRES_FILES, postgresListMismatch } from './postgres-files';

describe('POSTGRES_FILES, the unit test files that also run on PostgreSQL', () => {
  it('fails a file that opens the database but is not listed, naming the file and what to do', () => {
    expect(postgresListMismatch('lib/new/service.test.ts', true, ['lib/other.test.ts'])).toMatch(/^lib\/new\/service\.test\.ts opens the database but is not in POSTGRES_FILES .*: add it/);
  });

  it('fails a listed file that never opens the database (it would run the same test twice)', () => {
    expect(postgresListMismatch('lib/pure.test.ts', false, ['lib/pure.test.ts'])).toMatch(/^lib\/pure\.test\.ts is in POSTGRES_FILES .* never opens the database: remove it/);
  });

  it('accepts a listed file that opens the database and an unlisted one that does not', () => {
    expect(postgresListMismatch('lib/a.test.ts', true, ['lib/a.test.ts'])).toBeNull();
    expect(postgresListMismatch('lib/b.test.ts', false, ['lib/a.test.ts'])).toBeNull();
  });

  it('names only test files that exist, each once (a renamed file would silently stop running on PostgreSQL)', () => {
    for (const file of POSTGRES_FILES) expect(fs.existsSync(file), file).toBe(true);
    expect(new Set(POSTGRES_FILES).size).toBe(POSTGRES_FILES.length);
  });
});

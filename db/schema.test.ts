import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from './schema.pg';
import * as sqliteSchema from './schema';

// db/schema.ts (SQLite) and db/schema.pg.ts (PostgreSQL) describe one database: the app queries PostgreSQL
// with the SQLite tables' objects, so a column or index present in one and not the other is a defect.
type Shape = Record<string, { columns: Record<string, { notNull: boolean; primary: boolean; unique: boolean; hasDefault: boolean }>; indexes: Record<string, { unique: boolean; columns: string[] }>; foreignKeys: string[] }>;

function describeSqlite(): Shape {
  const shape: Shape = {};
  for (const value of Object.values(sqliteSchema)) {
    if (!(value instanceof SQLiteTable)) continue;
    const t = sqliteConfig(value);
    shape[t.name] = {
      columns: Object.fromEntries(t.columns.map((c) => [c.name, { notNull: c.notNull, primary: c.primary, unique: c.isUnique, hasDefault: c.hasDefault }])),
      indexes: Object.fromEntries(t.indexes.map((i) => [i.config.name, { unique: i.config.unique, columns: i.config.columns.map((c) => (c as { name: string }).name) }])),
      foreignKeys: t.foreignKeys.map((f) => { const r = f.reference(); return `${r.columns.map((c) => c.name).join(',')}->${sqliteConfig(r.foreignTable).name}(${r.foreignColumns.map((c) => c.name).join(',')}) ${f.onDelete ?? ''}`; }).sort(),
    };
  }
  return shape;
}

function describePg(): Shape {
  const shape: Shape = {};
  for (const value of Object.values(pgSchema)) {
    if (!(value instanceof PgTable)) continue;
    const t = pgConfig(value);
    shape[t.name] = {
      columns: Object.fromEntries(t.columns.map((c) => [c.name, { notNull: c.notNull, primary: c.primary, unique: c.isUnique, hasDefault: c.hasDefault || c.generatedIdentity !== undefined }])),
      indexes: Object.fromEntries(t.indexes.map((i) => [i.config.name, { unique: i.config.unique, columns: i.config.columns.map((c) => (c as { name: string }).name) }])),
      foreignKeys: t.foreignKeys.map((f) => { const r = f.reference(); return `${r.columns.map((c) => c.name).join(',')}->${pgConfig(r.foreignTable).name}(${r.foreignColumns.map((c) => c.name).join(',')}) ${f.onDelete ?? ''}`; }).sort(),
    };
  }
  return shape;
}

describe('db/schema.ts and db/schema.pg.ts', () => {
  it('have the same tables, columns (nullability, keys, defaults), indexes and foreign keys', () => {
    const sqlite = describeSqlite();
    const pg = describePg();
    expect(Object.keys(sqlite).length).toBeGreaterThan(10);
    // SQLite's autoincrement primary key has no "default"; PostgreSQL's identity column counts as one.
    for (const table of Object.values(sqlite)) if (table.columns.id) table.columns.id.hasDefault = true;
    expect(pg).toEqual(sqlite);
  });
});

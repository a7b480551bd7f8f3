import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

// 0013 rebuilds webauthn_challenges on SQLite (admin_id becomes nullable, mailbox_id is added). drizzle-kit
// generated a copy that selected the new column from the old table; the migration selects NULL instead, so
// a database upgraded with ceremonies in flight keeps them. Checked on the real files, in memory.
const dir = path.resolve(__dirname, 'migrations');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
const apply = (db: Database.Database, file: string) => {
  for (const statement of fs.readFileSync(path.join(dir, file), 'utf8').split('--> statement-breakpoint')) if (statement.trim()) db.exec(statement);
};

describe('SQLite migration 0013 (mailbox passkeys)', () => {
  it("keeps the admins' pending challenges and then holds exactly one subject per row", () => {
    const db = new Database(':memory:');
    try {
      const upgrade = files.findIndex((f) => f.startsWith('0013_'));
      expect(upgrade).toBeGreaterThan(0);
      for (const file of files.slice(0, upgrade)) apply(db, file);
      db.exec("INSERT INTO accounts (name) VALUES ('a')");
      db.exec("INSERT INTO admins (account_id, email, password_hash) VALUES (1, 'ann@example.com', 'x')");
      db.exec("INSERT INTO webauthn_challenges (admin_id, purpose, session_hash, challenge, expires_at) VALUES (1, 'sign-in', 'h', 'c', 1)");
      for (const file of files.slice(upgrade)) apply(db, file);
      expect(db.prepare('SELECT admin_id, mailbox_id, challenge FROM webauthn_challenges').all()).toEqual([{ admin_id: 1, mailbox_id: null, challenge: 'c' }]);
      expect(() => db.exec("INSERT INTO webauthn_challenges (purpose, session_hash, challenge, expires_at) VALUES ('sign-in', 'n', 'c', 1)")).toThrow(/CHECK/);
      expect(() => db.exec("INSERT INTO webauthn_challenges (admin_id, mailbox_id, purpose, session_hash, challenge, expires_at) VALUES (1, 1, 'sign-in', 'b', 'c', 1)")).toThrow();
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });
});

import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import Database from 'better-sqlite3';
import { rememberSecret, strongPassword } from './fixtures';

/*
 * Rows in the SQLite database of a server a spec starts for itself (startOwnServer with its own
 * DATABASE_PATH): the fixtures' createAccount/createMailbox write to the shared servers' databases instead.
 * `file` is read at each call, since the spec learns its path in beforeAll.
 */

export interface OwnBox {
  email: string;
  password: string;
}

export function ownDatabase(file: () => string, tag: { name: string; domainLetter: string; adminDomain: string }) {
  function sql<T>(statement: string, ...params: unknown[]): T[] {
    const db = new Database(file());
    db.pragma('busy_timeout = 5000');
    try {
      const prepared = db.prepare(statement);
      return (prepared.reader ? prepared.all(...params) : (prepared.run(...params), [])) as T[];
    } finally {
      db.close();
    }
  }

  /** An account with one domain. */
  function account(): { name: string; domain: string } {
    const random = crypto.randomBytes(4).toString('hex');
    const name = `${tag.name} ${random}`;
    const domain = `${tag.domainLetter}${random}.test`;
    const [row] = sql<{ id: number }>('INSERT INTO accounts (name) VALUES (?) RETURNING id', name);
    sql('INSERT INTO domains (account_id, name) VALUES (?, ?)', row!.id, domain);
    return { name, domain };
  }

  /** A mailbox in the domain, optionally with a list and its entries' metadata. */
  function mailbox(domain: string, allowNets: string | null = null, meta: Record<string, { expiresAt: number }> | null = null): OwnBox {
    const password = strongPassword();
    rememberSecret(password);
    const email = `u${crypto.randomBytes(3).toString('hex')}@${domain}`;
    sql(
      'INSERT INTO mailboxes (account_id, domain_id, email, password_hash, allow_nets, allow_nets_meta) SELECT account_id, id, ?, ?, ?, ? FROM domains WHERE name = ?',
      email,
      bcrypt.hashSync(password, 4),
      allowNets,
      meta ? JSON.stringify(meta) : null,
      domain,
    );
    return { email, password };
  }

  /** An admin of the account (by name). */
  function adminOf(accountName: string): { email: string; password: string } {
    const password = strongPassword();
    rememberSecret(password);
    const email = `admin-${crypto.randomBytes(3).toString('hex')}@${tag.adminDomain}`;
    sql('INSERT INTO admins (account_id, email, password_hash) SELECT id, ?, ? FROM accounts WHERE name = ?', email, bcrypt.hashSync(password, 4), accountName);
    return { email, password };
  }

  return { sql, account, mailbox, adminOf };
}

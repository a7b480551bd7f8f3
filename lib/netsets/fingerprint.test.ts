import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { eq, sql } from 'drizzle-orm';
import { accounts, mailboxes } from '@/db/schema';
import { engineKind, getDb } from '@/db';
import { openDatabase } from '@/db/migrate';
import { checkMailboxSession, listSubjectColumns } from '@/lib/session/check';
import { applyBulkChange } from '@/lib/mailboxes/bulk';
import { setAllowNets, updateMailbox } from '@/lib/mailboxes/service';
import { makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';
import { listReads } from './compiled-list';
import { createNetSet, updateNetSet } from './service';

// An API-style check (no web-session row): these tests are about the list.
const claims = (m: { id: number }) => ({ uid: m.id, sv: 1, apiSessionId: 0 });

/** The gate's fingerprint of a mailbox's effective list, read as the gate reads it. */
async function fingerprint(mailboxId: number) {
  const [row] = await getDb().select(listSubjectColumns).from(mailboxes).innerJoin(accounts, eq(accounts.id, mailboxes.accountId)).where(eq(mailboxes.id, mailboxId));
  return `${row!.allowNetsVersion}/${row!.netSetsVersion}`;
}

/** A write made by another instance: its own connection to the database, outside this process's engine. */
async function elsewhere(statement: string, params: unknown[]): Promise<void> {
  if (engineKind() === 'postgres') {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query(statement, params);
    } finally {
      await client.end();
    }
    return;
  }
  const { sqlite } = openDatabase(process.env.DATABASE_PATH!);
  try {
    sqlite.prepare(statement.replace(/\$\d+/g, '?')).run(...params);
  } finally {
    sqlite.close();
  }
}

describe('the fingerprint of a mailbox list (spec §19)', () => {
  it('every write path that changes the effective list changes the fingerprint, one by one', async () => {
    const a = await makeAccount();
    await createNetSet(a.accountId, { name: 'office', allowNets: '192.0.2.0/24' }, testContext);
    const m = await makeMailbox(a.domain);
    const seen = new Set([await fingerprint(m.id)]);
    const changed = async (what: string) => {
      const now = await fingerprint(m.id);
      expect(seen.has(now), `${what} left the fingerprint at ${now}`).toBe(false);
      seen.add(now);
    };
    await updateMailbox(a.scope, m.email, { allowNets: '@office, 203.0.113.7' }, testContext);
    await changed('the mailbox list (updateMailbox)');
    await setAllowNets(a.scope, m.email, '@office', testContext);
    await changed('the mailbox list (setAllowNets)');
    await updateNetSet(a.accountId, 'office', { allowNets: '198.51.100.0/24' }, testContext);
    await changed('a set edit');
    await updateMailbox(a.scope, m.email, { allowNetsEntries: [{ net: '@office' }, { net: '203.0.113.8', expires_at: '2099-01-01T00:00:00Z' }] }, testContext);
    await changed('an entry with an expiry');
    await updateMailbox(a.scope, m.email, { allowNetsEntries: [{ net: '@office' }, { net: '203.0.113.8', expires_at: '2098-01-01T00:00:00Z' }] }, testContext);
    await changed("an entry's expiry");
    await updateMailbox(a.scope, m.email, { allowNetsEntries: [{ net: '@office' }, { net: '203.0.113.8', label: 'Travel', expires_at: '2098-01-01T00:00:00Z' }] }, testContext);
    await changed('a label');
    await updateMailbox(a.scope, m.email, { allowNetsMode: 'monitor' }, testContext);
    await changed('the mode');
    await applyBulkChange(a.scope, { action: 'add_nets', allowNets: '203.0.113.9', target: { kind: 'selected', emails: [m.email] } }, testContext);
    await changed('a bulk change');
    await getDb().update(mailboxes).set({ allowNets: '203.0.113.10' }).where(eq(mailboxes.id, m.id));
    await changed('any other UPDATE (the trigger keeps it)');
    // Changes outside the list leave it alone (the gate then never reads the list again).
    const before = await fingerprint(m.id);
    await updateMailbox(a.scope, m.email, { memo: 'new memo', requireResetPassword: false }, testContext);
    await getDb().update(mailboxes).set({ allowNets: sql`${mailboxes.allowNets}` }).where(eq(mailboxes.id, m.id));
    expect(await fingerprint(m.id)).toBe(before);
  });

  it('reads the list only for a fingerprint the process has not compiled, and again at an entry expiry', async () => {
    const a = await makeAccount();
    const m = await makeMailbox(a.domain, { allowNets: '203.0.113.0/24' });
    expect((await checkMailboxSession(claims(m), '203.0.113.5')).ok).toBe(true);
    const reads = listReads();
    for (let i = 0; i < 5; i++) expect((await checkMailboxSession(claims(m), '203.0.113.5')).ok).toBe(true);
    expect(listReads()).toBe(reads);
    await setAllowNets(a.scope, m.email, '198.51.100.0/24', testContext);
    expect(await checkMailboxSession(claims(m), '203.0.113.5')).toMatchObject({ ok: false, reason: 'network_not_allowed' });
    expect(listReads()).toBe(reads + 1);
    // A time-bound entry stops admitting at its instant without any write: the compiled list expires with it.
    const soon = Date.now() + 60_000;
    await updateMailbox(a.scope, m.email, { allowNetsEntries: [{ net: '192.0.2.0/24', expires_at: new Date(soon).toISOString() }] }, testContext);
    expect((await checkMailboxSession(claims(m), '192.0.2.1', soon - 1)).ok).toBe(true);
    expect(await checkMailboxSession(claims(m), '192.0.2.1', soon)).toMatchObject({ ok: false, reason: 'network_not_allowed' });
  });

  it('a change made by another instance is seen at the next request: a stale fingerprint is never served', async () => {
    const a = await makeAccount();
    await createNetSet(a.accountId, { name: 'vpn', allowNets: '192.0.2.0/24' }, testContext);
    const m = await makeMailbox(a.domain, { allowNets: '203.0.113.0/24' });
    expect((await checkMailboxSession(claims(m), '203.0.113.5')).ok).toBe(true);
    // The list itself, from another connection (another instance), with no help from this process.
    await elsewhere('UPDATE mailboxes SET allow_nets = $1 WHERE id = $2', ['@vpn', m.id]);
    expect(await checkMailboxSession(claims(m), '203.0.113.5')).toMatchObject({ ok: false, reason: 'network_not_allowed' });
    expect((await checkMailboxSession(claims(m), '192.0.2.5')).ok).toBe(true);
    // A set, as the other instance's set service does it: contents and version in one transaction.
    await elsewhere("UPDATE net_sets SET allow_nets = '198.51.100.0/24' WHERE account_id = $1", [a.accountId]);
    await elsewhere('UPDATE accounts SET net_sets_version = net_sets_version + 1 WHERE id = $1', [a.accountId]);
    expect(await checkMailboxSession(claims(m), '192.0.2.5')).toMatchObject({ ok: false, reason: 'network_not_allowed' });
    expect((await checkMailboxSession(claims(m), '198.51.100.5')).ok).toBe(true);
    // The mode, likewise.
    await elsewhere("UPDATE mailboxes SET allow_nets_mode = 'monitor' WHERE id = $1", [m.id]);
    expect(await checkMailboxSession(claims(m), '203.0.113.5')).toMatchObject({ ok: true, wouldRefuse: true });
  });
});

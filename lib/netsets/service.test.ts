import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { accounts, auditEvents, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { checkMailboxSession, listSubjectColumns } from '@/lib/session/check';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { getMailbox, updateMailbox } from '@/lib/mailboxes/service';
import { toMailGetObject } from '@/lib/mailboxes/view';
import { MAILBOX_PASSWORD, makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';
import { listAllows } from './compiled-list';
import { createNetSet, deleteNetSet, getNetSet, listNetSets, updateNetSet } from './service';

// An API-style check (no web-session row): these tests are about the list, not the session.
const claims = (m: { id: number }) => ({ uid: m.id, sv: 1, apiSessionId: 0 });

describe('network sets', () => {
  it('a mailbox referencing a set admits the union, and a set change applies at the next check', async () => {
    const a = await makeAccount();
    await createNetSet(a.accountId, { name: 'office', description: 'HQ', allowNets: '192.0.2.0/24' }, testContext);
    const m = await makeMailbox(a.domain);
    await updateMailbox(a.scope, m.email, { allowNets: '@office, 203.0.113.7' }, testContext);
    expect((await checkMailboxSession(claims(m), '192.0.2.9')).ok).toBe(true);
    expect((await checkMailboxSession(claims(m), '203.0.113.7')).ok).toBe(true);
    expect((await checkMailboxSession(claims(m), '198.51.100.1')).ok).toBe(false);

    await updateNetSet(a.accountId, 'office', { allowNets: '198.51.100.0/24' }, testContext);
    expect(await checkMailboxSession(claims(m), '192.0.2.9')).toMatchObject({ ok: false, reason: 'network_not_allowed' });
    expect((await checkMailboxSession(claims(m), '198.51.100.1')).ok).toBe(true);
    expect(toMailGetObject(await getMailbox(a.scope, m.email)).allow_nets).toBe('@office,203.0.113.7');
  });

  it('a memoised list answers at once, without a promise, until its set changes (a new version compiles again)', async () => {
    const a = await makeAccount();
    await createNetSet(a.accountId, { name: 'branch', allowNets: '192.0.2.0/24' }, testContext);
    const m = await makeMailbox(a.domain, { allowNets: '@branch' });
    // The gate's fingerprint of the list, read as the gate reads it (every request).
    const subject = async () => (await getDb().select(listSubjectColumns).from(mailboxes).innerJoin(accounts, eq(accounts.id, mailboxes.accountId)).where(eq(mailboxes.id, m.id)))[0]!;
    const first = listAllows(await subject(), '192.0.2.9');
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe(true);
    // Compiled and memoised: the next requests are answered in the same turn.
    expect(listAllows(await subject(), '192.0.2.9')).toBe(true);
    expect(listAllows(await subject(), '198.51.100.1')).toBe(false);
    expect(listAllows({ ...(await subject()), restricted: false }, '198.51.100.1')).toBe(true);
    await updateNetSet(a.accountId, 'branch', { allowNets: '198.51.100.0/24' }, testContext);
    const changed = listAllows(await subject(), '192.0.2.9');
    expect(changed).toBeInstanceOf(Promise);
    expect(await changed).toBe(false);
    expect(listAllows(await subject(), '198.51.100.1')).toBe(true);
  });

  it('an unknown @name, or another account\'s set, is an invalid entry naming it', async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    await createNetSet(b.accountId, { name: 'theirs', allowNets: '0.0.0.0/0' }, testContext);
    const m = await makeMailbox(a.domain);
    const error = await updateMailbox(a.scope, m.email, { allowNets: '203.0.113.7,@theirs' }, testContext).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([{ entry: '@theirs', code: 'unknown_set', values: { name: 'theirs' }, reason: 'unknown network set "@theirs"' }]);
    expect((await getMailbox(a.scope, m.email)).allowNets).toBe(null);
    await expect(getNetSet(a.accountId, 'theirs')).rejects.toThrow(NotFoundError);
    await expect(updateNetSet(a.accountId, 'theirs', { allowNets: '' }, testContext)).rejects.toThrow(NotFoundError);
    await expect(deleteNetSet(a.accountId, 'theirs', testContext)).rejects.toThrow(NotFoundError);
    expect(await listNetSets(a.accountId)).toEqual([]);
  });

  it('deleting a referenced set is refused naming the mailboxes; unreferenced it goes', async () => {
    const a = await makeAccount();
    await createNetSet(a.accountId, { name: 'vpn', allowNets: '2001:db8::/32' }, testContext);
    const m1 = await makeMailbox(a.domain, { local: 'alpha' });
    const m2 = await makeMailbox(a.domain, { local: 'beta' });
    await makeMailbox(a.domain, { local: 'gamma', allowNets: '203.0.113.7' });
    await updateMailbox(a.scope, m1.email, { allowNets: '@vpn' }, testContext);
    await updateMailbox(a.scope, m2.email, { allowNets: '203.0.113.7,@vpn' }, testContext);
    expect((await getNetSet(a.accountId, 'vpn')).usedBy).toBe(2);
    const refused = deleteNetSet(a.accountId, 'vpn', testContext);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    // The English message for the API and the CLI, and the code and values a page words in its language.
    await expect(refused).rejects.toMatchObject({
      message: `Network set @vpn is used by mailboxes ${m1.email}, ${m2.email}. Remove it from their lists first.`,
      problem: { code: 'netset_in_use', values: { name: 'vpn', count: 2, list: `${m1.email}, ${m2.email}`, more: 0 } },
    });
    await updateMailbox(a.scope, m1.email, { allowNets: '203.0.113.8' }, testContext);
    await updateMailbox(a.scope, m2.email, { allowNets: '203.0.113.7' }, testContext);
    await deleteNetSet(a.accountId, 'vpn', testContext);
    expect(await listNetSets(a.accountId)).toEqual([]);
  });

  it('labels survive a plain-string set that keeps the network', async () => {
    const a = await makeAccount();
    const m = await makeMailbox(a.domain);
    const expires = '2099-01-01T00:00:00.000Z';
    await updateMailbox(a.scope, m.email, { allowNetsEntries: [{ net: '198.51.100.0/24', label: 'Office', expires_at: expires }, { net: '203.0.113.7', label: 'Travel' }] }, testContext);
    await updateMailbox(a.scope, m.email, { allowNets: '198.51.100.0/24,192.0.2.1' }, testContext);
    expect(toMailGetObject(await getMailbox(a.scope, m.email)).allow_nets_entries).toEqual([
      { net: '198.51.100.0/24', label: 'Office', expires_at: expires, expired: false },
      { net: '192.0.2.1', label: null, expires_at: null, expired: false },
    ]);
  });

  it('an all-expired list refuses everyone, and the entries stay visible marked expired', async () => {
    const a = await makeAccount();
    const m = await makeMailbox(a.domain);
    await updateMailbox(a.scope, m.email, { allowNetsEntries: [{ net: '198.51.100.0/24', expires_at: '2020-01-01T00:00:00Z' }] }, testContext);
    expect((await checkMailboxSession(claims(m), '198.51.100.1')).ok).toBe(false);
    expect(toMailGetObject(await getMailbox(a.scope, m.email)).allow_nets_entries[0]?.expired).toBe(true);
  });

  it('monitor mode lets an unlisted sign-in through and audits would_refuse', async () => {
    const a = await makeAccount();
    const m = await makeMailbox(a.domain, { allowNets: '203.0.113.7' });
    await updateMailbox(a.scope, m.email, { allowNetsMode: 'monitor' }, testContext);
    const result = await verifyMailboxSignIn({ email: m.email, password: MAILBOX_PASSWORD, allowPendingReset: true, context: { ...testContext, clientIp: '198.51.100.77' } });
    expect(result.ok).toBe(true);
    const rows = await getDb().select({ ip: auditEvents.clientIp }).from(auditEvents).where(and(eq(auditEvents.mailboxId, m.id), eq(auditEvents.event, 'would_refuse')));
    expect(rows).toEqual([{ ip: '198.51.100.77' }]);
    expect(await checkMailboxSession(claims(m), '198.51.100.77')).toMatchObject({ ok: true, wouldRefuse: true });
    await updateMailbox(a.scope, m.email, { allowNetsMode: 'enforce' }, testContext);
    expect((await checkMailboxSession(claims(m), '198.51.100.77')).ok).toBe(false);
  });

  it('sets cannot contain sets and names are checked', async () => {
    const a = await makeAccount();
    await expect(createNetSet(a.accountId, { name: 'Bad_Name' }, testContext)).rejects.toThrow(ValidationError);
    await expect(createNetSet(a.accountId, { name: 'x', allowNets: '@y' }, testContext)).rejects.toThrow(ValidationError);
    await expect(createNetSet(a.accountId, { name: 'x', allowNetsEntries: [{ net: '@y' }] }, testContext)).rejects.toThrow(ValidationError);
    await createNetSet(a.accountId, { name: '@ok-1' }, testContext);
    await expect(createNetSet(a.accountId, { name: 'ok-1' }, testContext)).rejects.toThrow(ConflictError);
  });
});

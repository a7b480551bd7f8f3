import crypto from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { accounts, auditEvents, domains, mailboxes, netSets } from '@/db/schema';
import { getDb } from '@/db';
import type { AuditContext } from '@/lib/audit';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import type { Scope } from '@/lib/scope';
import { issueAccountScope } from '@/lib/session/account-scope';
import { applyBulkChange, planBulkChange } from './bulk';

const ctx: AuditContext = { actor: { kind: 'admin', id: 1, email: 'admin@test' }, clientIp: '192.0.2.1', protocol: 'web' };

interface Fixture {
  scope: Scope;
  domain: string;
  emails: string[];
}

/** An account with one domain and mailboxes created straight in the database (the service is what is tested). */
async function account(mailboxSpecs: { allowNets?: string | null; requireResetPassword?: boolean; active?: boolean; local?: string }[]): Promise<Fixture> {
  const db = getDb();
  const tag = crypto.randomBytes(4).toString('hex');
  const [acc] = (await db.insert(accounts).values({ name: `Acc ${tag}` }).returning({ id: accounts.id })) as [{ id: number }];
  const domain = `d${tag}.test`;
  const [dom] = (await db.insert(domains).values({ accountId: acc.id, name: domain }).returning({ id: domains.id })) as [{ id: number }];
  const emails: string[] = [];
  for (const [i, spec] of mailboxSpecs.entries()) {
    const email = `${spec.local ?? `user${i}`}@${domain}`;
    await db.insert(mailboxes)
      .values({ accountId: acc.id, domainId: dom.id, email, passwordHash: 'x', allowNets: spec.allowNets ?? null, requireResetPassword: spec.requireResetPassword ?? false, active: spec.active ?? true });
    emails.push(email);
  }
  return { scope: issueAccountScope(acc.id), domain, emails };
}

async function rows(emails: string[]) {
  return await getDb()
    .select({ email: mailboxes.email, allowNets: mailboxes.allowNets, requireResetPassword: mailboxes.requireResetPassword, sessionVersion: mailboxes.sessionVersion })
    .from(mailboxes)
    .where(inArray(mailboxes.email, emails))
    .orderBy(mailboxes.email);
}

async function snapshot(...fixtures: Fixture[]) {
  return await rows(fixtures.flatMap((f) => f.emails));
}

let a: Fixture;
let b: Fixture;
beforeEach(async () => {
  a = await account([{}, {}, { allowNets: '198.51.100.0/24' }, { requireResetPassword: true }, { active: false }]);
  b = await account([{}, { allowNets: '203.0.113.0/24' }]);
});

describe('applyBulkChange', () => {
  it('replaces the networks of the selected mailboxes only, in canonical form, with an audit row per mailbox', async () => {
    const selected = [a.emails[0]!, a.emails[2]!, a.emails[4]!];
    const result = await applyBulkChange(a.scope, { action: 'replace_nets', allowNets: ' 203.0.113.7/24,\n2001:DB8::1 ', target: { kind: 'selected', emails: selected } }, ctx);
    expect(result).toMatchObject({ matched: 3, changed: 3, unchanged: 0, fields: { allow_nets: 3 } });
    for (const row of await rows(a.emails)) {
      expect(row.allowNets).toBe(selected.includes(row.email) ? '203.0.113.0/24,2001:db8::1' : row.email === a.emails[2] ? '198.51.100.0/24' : null);
    }
    expect((await rows(b.emails)).map((r) => r.allowNets)).toEqual([null, '203.0.113.0/24']);
    const audit = await getDb().select({ email: auditEvents.mailboxEmail, detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.event, 'allow_nets_changed'));
    expect(audit.filter((r) => selected.includes(r.email!))).toHaveLength(3);
    const summary = (await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.event, 'bulk_changed')))).at(-1);
    expect(summary?.detail).toMatchObject({ action: 'replace_nets', matched: 3, changed: 3 });
  });

  it('changes nothing when one network is invalid, and names every invalid entry', async () => {
    const before = await snapshot(a, b);
    let error: unknown;
    try {
      await applyBulkChange(a.scope, { action: 'replace_nets', allowNets: '203.0.113.0/24, 10.0.0.1/33, abc, 300.1.1.1', target: { kind: 'selected', emails: a.emails } }, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const details = (error as ValidationError).details as { entry: string }[];
    expect(details.map((d) => d.entry)).toEqual(['10.0.0.1/33', 'abc', '300.1.1.1']);
    expect((error as ValidationError).message).toContain('"abc"');
    expect(await snapshot(a, b)).toEqual(before);
  });

  it('refuses an empty list for "replace" (lifting a restriction is its own action)', async () => {
    await expect(applyBulkChange(a.scope, { action: 'replace_nets', allowNets: ' , ', target: { kind: 'selected', emails: [a.emails[0]!] } }, ctx)).rejects.toThrow(/Remove the restriction/);
  });

  it("treats another account's mailbox in the selection as not found and changes nothing at all", async () => {
    const before = await snapshot(a, b);
    await expect(
      applyBulkChange(a.scope, { action: 'force_reset', target: { kind: 'selected', emails: [a.emails[0]!, b.emails[0]!, a.emails[1]!] } }, ctx),
    ).rejects.toThrow(NotFoundError);
    await expect(planBulkChange(a.scope, { action: 'force_reset', target: { kind: 'selected', emails: [b.emails[1]!] } })).rejects.toThrow(new RegExp(`not found: ${b.emails[1]}`));
    expect(await snapshot(a, b)).toEqual(before);
  });

  it('applies to every mailbox matching the filter within the account, and nothing outside it', async () => {
    const result = await applyBulkChange(a.scope, { action: 'replace_nets', allowNets: '192.0.2.0/24', target: { kind: 'matching', query: { filter: 'unrestricted' } } }, ctx);
    // user0, user1, user3 (reset pending) and user4 (inactive) are unrestricted in account A.
    expect(result).toMatchObject({ matched: 4, changed: 4 });
    expect((await rows(a.emails)).map((r) => r.allowNets)).toEqual(['192.0.2.0/24', '192.0.2.0/24', '198.51.100.0/24', '192.0.2.0/24', '192.0.2.0/24']);
    expect((await rows(b.emails)).map((r) => r.allowNets)).toEqual([null, '203.0.113.0/24']);
  });

  it('combines a search with a filter', async () => {
    const result = await applyBulkChange(a.scope, { action: 'force_reset', target: { kind: 'matching', query: { search: 'USER1', filter: 'all' } } }, ctx);
    expect(result).toMatchObject({ matched: 1, changed: 1 });
    expect((await rows([a.emails[1]!]))[0]?.requireResetPassword).toBe(true);
    expect((await rows([a.emails[0]!]))[0]?.requireResetPassword).toBe(false);
  });

  it('adds networks to restricted mailboxes, deduplicating, and leaves unrestricted ones unrestricted', async () => {
    const result = await applyBulkChange(a.scope, { action: 'add_nets', allowNets: '198.51.100.9/24, 203.0.113.5', target: { kind: 'selected', emails: [a.emails[0]!, a.emails[2]!] } }, ctx);
    expect(result).toMatchObject({ matched: 2, changed: 1, skippedUnrestricted: 1 });
    expect((await rows([a.emails[0]!, a.emails[2]!])).map((r) => r.allowNets)).toEqual([null, '198.51.100.0/24,203.0.113.5']);
  });

  it('rolls back every mailbox when adding overflows one list, and names that mailbox', async () => {
    const full = Array.from({ length: 999 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`).join(',');
    const f = await account([{ local: 'aa', allowNets: '198.51.100.0/24' }, { local: 'zz', allowNets: full }]);
    const before = await snapshot(f);
    await expect(applyBulkChange(f.scope, { action: 'add_nets', allowNets: '203.0.113.1,203.0.113.2', target: { kind: 'matching', query: {} } }, ctx)).rejects.toThrow(
      new RegExp(`^${f.emails[1]}: allow_nets: .*at most 1,000`),
    );
    expect(await snapshot(f)).toEqual(before);
  });

  it('forcing a password change bumps the session version; cancelling clears the flag without a bump', async () => {
    const [v0] = (await rows([a.emails[0]!])).map((r) => r.sessionVersion);
    await applyBulkChange(a.scope, { action: 'force_reset', target: { kind: 'selected', emails: [a.emails[0]!] } }, ctx);
    expect((await rows([a.emails[0]!]))[0]).toMatchObject({ requireResetPassword: true, sessionVersion: v0! + 1 });
    const result = await applyBulkChange(a.scope, { action: 'cancel_reset', target: { kind: 'matching', query: { filter: 'reset_pending' } } }, ctx);
    expect(result).toMatchObject({ matched: 2, changed: 2 });
    expect(await rows([a.emails[0]!, a.emails[3]!])).toMatchObject([
      { requireResetPassword: false, sessionVersion: v0! + 1 },
      { requireResetPassword: false },
    ]);
  });

  it('removes the restriction, counting mailboxes that were already unrestricted as unchanged', async () => {
    const result = await applyBulkChange(a.scope, { action: 'remove_restriction', target: { kind: 'selected', emails: [a.emails[1]!, a.emails[2]!] } }, ctx);
    expect(result).toMatchObject({ matched: 2, changed: 1, unchanged: 1 });
    expect((await rows([a.emails[2]!]))[0]?.allowNets).toBeNull();
  });

  it('changes nothing when the confirmed count no longer matches', async () => {
    const before = await snapshot(a);
    await expect(applyBulkChange(a.scope, { action: 'force_reset', target: { kind: 'matching', query: { filter: 'restricted' } } }, ctx, { expectedCount: 2 })).rejects.toThrow(ConflictError);
    expect(await snapshot(a)).toEqual(before);
  });
});

describe('planBulkChange', () => {
  it('counts the target and returns the canonical networks without changing anything', async () => {
    const before = await snapshot(a);
    const plan = await planBulkChange(a.scope, { action: 'add_nets', allowNets: '2001:DB8::/32', target: { kind: 'matching', query: { filter: 'all' } } });
    expect(plan).toEqual({ action: 'add_nets', allowNets: '2001:db8::/32', count: 5, sample: a.emails });
    expect(await snapshot(a)).toEqual(before);
  });

  it("refuses an unknown @name at the review, naming it, and accepts the account's own set (not another account's)", async () => {
    const accountId = (f: Fixture) => (f.scope.kind === 'account' ? f.scope.accountId : 0);
    await getDb().insert(netSets).values({ accountId: accountId(a), name: 'office', allowNets: '192.0.2.0/24' });
    await getDb().insert(netSets).values({ accountId: accountId(b), name: 'branch', allowNets: '198.51.100.0/24' });
    const target = { kind: 'selected' as const, emails: [a.emails[2]!] };
    expect(await planBulkChange(a.scope, { action: 'add_nets', allowNets: '@office', target })).toMatchObject({ allowNets: '@office', count: 1 });
    for (const action of ['add_nets', 'replace_nets'] as const) {
      for (const nets of ['@nope', '@branch, 203.0.113.0/24']) {
        const error: unknown = await planBulkChange(a.scope, { action, allowNets: nets, target }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ValidationError);
        const name = nets.split(',')[0]!;
        expect((error as ValidationError).details).toEqual([{ entry: name, code: 'unknown_set', values: { name: name.slice(1) }, reason: `unknown network set "${name}"` }]);
      }
    }
  });

  it('rejects a request without mailboxes or with an unknown action', async () => {
    await expect(planBulkChange(a.scope, { action: 'force_reset', target: { kind: 'selected', emails: [] } })).rejects.toThrow(/Select at least one mailbox/);
    await expect(planBulkChange(a.scope, { action: 'drop_all' as 'force_reset', target: { kind: 'matching', query: {} } })).rejects.toThrow(ValidationError);
  });
});

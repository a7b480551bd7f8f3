import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { admins, auditEvents, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { addressCollisions, databaseTarget } from '@/db/engine';
import { addAdmin, listAdmins } from '@/lib/admins/service';
import { signInToApi } from '@/lib/session/api-session';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { env } from '@/lib/env';
import { ConflictError, ValidationError } from '@/lib/errors';
import { createMailbox } from '@/lib/mailboxes/service';
import { describeAddressCollisions } from '@/lib/ops/address-collisions';
import { operatorScope } from '@/lib/scope';
import { adminStepSession, makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';
import { ADMIN_ADDRESS_REFUSED } from './addresses';

const PASSWORD = 'Harbour-Lantern-Orbit-47';

/** What a refused addAdmin answered: the error's class, field and text (everything a channel shows). */
async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ValidationError) return JSON.stringify({ kind: error.name, field: error.field, message: error.message, messages: error.messages });
    throw error;
  }
  throw new Error('not refused');
}

describe('admin and mailbox addresses (spec §23)', () => {
  it("B's admin cannot add A's mailbox, A's admin or an address outside B's domains: one identical refusal, nothing saved, Alice still signs in", async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    const alice = await makeMailbox(a.domain, { local: 'alice' });
    const before = await listAdmins(operatorScope);
    const answers = [
      await refusal(addAdmin(b.scope, { email: alice.email, password: PASSWORD }, testContext, await adminStepSession(b.adminId))),
      await refusal(addAdmin(b.scope, { email: a.adminEmail, password: PASSWORD }, testContext, await adminStepSession(b.adminId))),
      await refusal(addAdmin(b.scope, { email: 'nobody@elsewhere.test', password: PASSWORD }, testContext, await adminStepSession(b.adminId))),
      // An unused address in A's domain is not B's either.
      await refusal(addAdmin(b.scope, { email: `fresh@${a.domain}`, password: PASSWORD }, testContext, await adminStepSession(b.adminId))),
    ];
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0]!)).toEqual({ kind: 'ValidationError', field: 'email', message: ADMIN_ADDRESS_REFUSED, messages: [ADMIN_ADDRESS_REFUSED] });
    expect(await listAdmins(operatorScope)).toEqual(before);
    expect(await getDb().select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.event, 'admin_added'))).toEqual([]);

    const context = { ...testContext, protocol: 'api' as const, clientIp: '192.0.2.44' };
    expect((await verifyMailboxSignIn({ email: alice.email, password: MAILBOX_PASSWORD, context, allowPendingReset: true })).ok).toBe(true);
    expect(await signInToApi({ user: alice.email, pass: MAILBOX_PASSWORD, context })).toMatchObject({ ok: true, level: 'mail' });
  });

  it("B's admin cannot add one of B's own mailboxes or admins either, but can add an unused address of B's domains", async () => {
    const b = await makeAccount();
    const bob = await makeMailbox(b.domain, { local: 'bob' });
    expect(await refusal(addAdmin(b.scope, { email: bob.email, password: PASSWORD }, testContext, await adminStepSession(b.adminId)))).toContain(ADMIN_ADDRESS_REFUSED);
    expect(await refusal(addAdmin(b.scope, { email: b.adminEmail, password: PASSWORD }, testContext, await adminStepSession(b.adminId)))).toContain(ADMIN_ADDRESS_REFUSED);
    expect(await addAdmin(b.scope, { email: `Deputy@${b.domain}`, password: PASSWORD }, testContext, await adminStepSession(b.adminId))).toMatchObject({ email: `deputy@${b.domain}` });
  });

  it('the operator may add any unused address to any account, and is refused a used one', async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    const alice = await makeMailbox(a.domain, { local: 'alice' });
    const added = await addAdmin(operatorScope, { account: (await listAdmins(b.scope))[0]!.account, email: 'ops@provider.test', password: PASSWORD }, testContext);
    expect(added).toMatchObject({ email: 'ops@provider.test', account: (await listAdmins(b.scope))[0]!.account });
    await expect(addAdmin(operatorScope, { account: added.account, email: alice.email, password: PASSWORD }, testContext)).rejects.toThrow(`Address ${alice.email} is already in use`);
    await expect(addAdmin(operatorScope, { account: added.account, email: a.adminEmail, password: PASSWORD }, testContext)).rejects.toThrow(`Address ${a.adminEmail} is already in use`);
  });

  it("a mailbox cannot take an admin's address: the same answer as for a mailbox's, on every channel's service", async () => {
    const a = await makeAccount();
    const existing = await makeMailbox(a.domain);
    const deputy = await addAdmin(a.scope, { email: `deputy@${a.domain}`, password: PASSWORD }, testContext, await adminStepSession(a.adminId));
    const attempt = (email: string) => createMailbox(a.scope, { email, password: 'Fresh-Ocean-Lantern-64' }, testContext).then(() => 'created', (e: unknown) => (e instanceof ConflictError ? e.message.replace(email, 'X') : String(e)));
    expect(await attempt(deputy.email)).toBe('Address X is already in use by a mailbox or an admin');
    expect(await attempt(existing.email)).toBe('Address X is already in use by a mailbox or an admin');
    // The operator (CLI) too.
    await expect(createMailbox(operatorScope, { email: a.adminEmail, password: 'Fresh-Ocean-Lantern-64' }, testContext)).rejects.toBeInstanceOf(ConflictError);
    expect(await getDb().select({ id: mailboxes.id }).from(mailboxes).where(eq(mailboxes.email, deputy.email))).toEqual([]);
  });

  it('the start-up check reports an admin address that is also a mailbox address, and server.ts refuses to start', async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    const alice = await makeMailbox(a.domain, { local: 'alice' });
    const target = databaseTarget(env());
    expect(await addressCollisions(target)).toEqual([]);
    // What the old rule let in, written directly.
    const [{ passwordHash }] = (await getDb().select({ passwordHash: admins.passwordHash }).from(admins).where(eq(admins.id, b.adminId))) as [{ passwordHash: string }];
    await getDb().insert(admins).values({ accountId: b.accountId, email: alice.email, passwordHash });
    const collisions = await addressCollisions(target);
    const [nameA, nameB] = [(await listAdmins(a.scope))[0]!.account, (await listAdmins(b.scope))[0]!.account];
    expect(collisions).toEqual([{ email: alice.email, adminAccount: nameB, mailboxAccount: nameA }]);
    const message = describeAddressCollisions(collisions)!;
    expect(message).toContain(`${alice.email}: admin of account "${nameB}", mailbox of account "${nameA}"`);
    expect(message).toContain(`npm run cli -- admin remove --email ${alice.email}`);
    expect(describeAddressCollisions([])).toBeNull();
    if (target.kind !== 'sqlite') return;
    // The server itself: it exits before serving anything (no build needed: the check precedes Next).
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-collision-'));
    try {
      const file = path.join(dataDir, 'copy.db');
      fs.copyFileSync(target.file, file);
      for (const suffix of ['-wal', '-shm']) if (fs.existsSync(target.file + suffix)) fs.copyFileSync(target.file + suffix, file + suffix);
      const run = spawnSync('npx', ['tsx', 'server.ts', '--no-demo'], {
        // TMPDIR: tsx keeps its cache there, and the folder goes with the test's.
        env: { ...process.env, DATABASE_PATH: file, PORT: '4431', HOST: '127.0.0.1', DATABASE_URL: '', TMPDIR: dataDir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('portcullis: refusing to start: an admin address is also a mailbox address');
      expect(run.stderr).toContain(`admin remove --email ${alice.email}`);
      expect(run.stdout).not.toContain('listening on');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvents, mailKicks, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { setAccountPolicy } from '@/lib/accounts/policy';
import { checkMailboxSession } from '@/lib/session/check';
import { createWebSession } from '@/lib/session/row';
import { makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';
import type { JobOutcome } from './runner';

/*
 * `npm run cli -- jobs run` as cron runs it, under a clock moved with faketime (libfaketime), against this
 * file's database (the child inherits DATABASE_PATH or DATABASE_URL).
 */

// tsx keeps its cache in TMPDIR: the children get a folder of this file's own, removed with it.
const childTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-jobs-cli-'));
afterAll(() => fs.rmSync(childTmp, { recursive: true, force: true }));

/** `faketime '+<days>d' … jobs run --json`: the outcomes it printed. */
function jobsRunAt(days: number): Promise<JobOutcome[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MAIL_KICK_URL: '', LOG_LEVEL: 'warn', TMPDIR: childTmp };
    const child = spawn('faketime', ['-f', `+${days}d`, process.execPath, 'node_modules/tsx/dist/cli.mjs', '--conditions=react-server', 'lib/cli/main.ts', 'jobs', 'run', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('[')) reject(new Error(`jobs run exited ${code}: ${out}${err}`));
      else resolve(JSON.parse(line) as JobOutcome[]);
    });
  });
}

const ran = (outcomes: JobOutcome[], name: string) => outcomes.find((o) => o.name === name)!;

describe('npm run cli -- jobs run under faketime', () => {
  it('routine check: not flagged at day 20 of a 30-day limit, flagged at day 40 with the web session and mail connections cut off; a second instance at the same time runs no job twice', async () => {
    const { domain, scope } = await makeAccount();
    await setAccountPolicy(scope, testContext, { password_max_age_days: 30 });
    const box = await makeMailbox(domain);
    const [{ sv }] = (await getDb().select({ sv: mailboxes.sessionVersion }).from(mailboxes).where(eq(mailboxes.id, box.id))) as [{ sv: number }];
    const sid = await createWebSession({ kind: 'mailbox', subjectId: box.id, sessionVersion: sv, clientIp: testContext.clientIp, userAgent: null });
    const claims = { uid: box.id, sv, sid };
    const flagged = async () => (await getDb().select({ f: mailboxes.requireResetPassword }).from(mailboxes).where(eq(mailboxes.id, box.id)))[0]!.f;

    const day20 = await jobsRunAt(20);
    expect(ran(day20, 'password_expiry')).toMatchObject({ status: 'ran', result: '0 mailboxes flagged' });
    expect(await flagged()).toBe(false);
    expect((await checkMailboxSession(claims, testContext.clientIp)).ok).toBe(true);

    const day40 = await jobsRunAt(40);
    expect(ran(day40, 'password_expiry')).toMatchObject({ status: 'ran' });
    expect(await flagged()).toBe(true);
    expect(await checkMailboxSession(claims, testContext.clientIp)).toMatchObject({ ok: false, reason: 'session_version' });
    expect((await getDb().select().from(mailKicks).where(eq(mailKicks.email, box.email))).map((k) => k.reason)).toEqual(['forced_change']);
    const [expired] = await getDb().select().from(auditEvents).where(and(eq(auditEvents.mailboxId, box.id), eq(auditEvents.event, 'password_expired')));
    expect(expired).toMatchObject({ actorKind: 'system', detail: { max_age_days: 30 } });

    // Two instances (cron on two machines) at day 50, at the same time: each due `once` job runs in exactly one.
    const both = await Promise.all([jobsRunAt(50), jobsRunAt(50)]);
    for (const name of ['password_expiry', 'audit_retention', 'notify_reader', 'notify_digest']) {
      expect(both.map((outcomes) => ran(outcomes, name).status).sort()).toEqual(['ran', 'skipped']);
    }
  }, 120_000);
});

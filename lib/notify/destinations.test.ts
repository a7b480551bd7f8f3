import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiSessions, auditEvents, notifyDestinations } from '@/db/schema';
import { getDb } from '@/db';
import { hashApiToken, createApiSession } from '@/lib/session/api-session';
import { unseal } from '@/lib/auth/secret-box';
import { ForbiddenError, NotFoundError, ReauthRequiredError, ValidationError } from '@/lib/errors';
import { adminStepSession, makeAccount, testContext } from '@/lib/testing/factories';
import { startSmtpSink } from '@/lib/testing/smtp-sink';
import { startReceiver } from '@/lib/testing/webhook-receiver';
import { addDestination, deleteDestination, listDestinations, MAX_DESTINATIONS, setDestinationLanguage, WEBHOOK_SECRET_PURPOSE } from './destinations';
import { sendTestNotification } from './deliver';
import { metricsText } from '@/lib/ops/metrics';
import { failingDestinations, FAILING_AFTER } from './outbox';
import type { NotificationBody } from './payload';
import { readMail } from '@/lib/testing/smtp-sink';

vi.hoisted(() => {
  process.env.NOTIFY_ALLOW_NETS = '127.0.0.1';
  process.env.SMTP_URL = `smtp://127.0.0.1:${process.env.DATABASE_URL ? 5534 : 5533}`;
});

let hook: Awaited<ReturnType<typeof startReceiver>>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let failing = false;
beforeAll(async () => {
  hook = await startReceiver('127.0.0.1', () => (failing ? 503 : 200));
  sink = await startSmtpSink(Number(new URL(process.env.SMTP_URL!).port));
});
afterAll(async () => {
  await hook.close();
  await sink.close();
});

async function admin() {
  const a = await makeAccount();
  return { ...a, admin: { id: a.adminId, email: a.adminEmail, accountId: a.accountId }, proof: { web: await adminStepSession(a.adminId) } };
}

describe('notification destinations', () => {
  it('adds a webhook: the secret is returned once, stored sealed, never listed; the addition is audited', async () => {
    const a = await admin();
    const { id, secret } = await addDestination(a.admin, { kind: 'webhook', url: hook.url, events: ['sign_in.refused_burst', 'sign_in.refused_burst'], label: 'SIEM' }, testContext, a.proof);
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    const [row] = await getDb().select().from(notifyDestinations).where(eq(notifyDestinations.id, id));
    expect(row!.secretSealed).not.toContain(secret!);
    expect(unseal(row!.secretSealed!, WEBHOOK_SECRET_PURPOSE)).toBe(secret);
    const list = await listDestinations(a.accountId);
    expect(list).toEqual([expect.objectContaining({ id, kind: 'webhook', label: 'SIEM', target: hook.url, events: ['sign_in.refused_burst'] })]);
    expect(JSON.stringify(list)).not.toContain(secret!);
    const audits = await getDb().select().from(auditEvents).where(eq(auditEvents.event, 'notify_destination_added'));
    expect(audits.some((r) => r.accountId === a.accountId && !JSON.stringify(r.detail).includes(secret!))).toBe(true);
  });

  it('asks for the password again: a web proof older than 5 minutes, or none, is refused; so is an API session opened over 5 minutes ago', async () => {
    const a = await admin();
    const input = { kind: 'email', to: 'soc@example.com', events: ['admin.security_changed'] };
    const stale = { web: await adminStepSession(a.adminId, Date.now() - 6 * 60_000) };
    await expect(addDestination(a.admin, input, testContext, stale)).rejects.toBeInstanceOf(ReauthRequiredError);
    await expect(addDestination(a.admin, input, testContext, { web: null })).rejects.toBeInstanceOf(ReauthRequiredError);
    const oldToken = await createApiSession({ level: 'account', subjectId: a.adminId, sessionVersion: 1 }, new Date(Date.now() - 6 * 60_000));
    const [old] = await getDb().select({ id: apiSessions.id }).from(apiSessions).where(eq(apiSessions.tokenHash, hashApiToken(oldToken)));
    await expect(addDestination(a.admin, input, testContext, { apiSessionId: old!.id })).rejects.toBeInstanceOf(ForbiddenError);
    const freshToken = await createApiSession({ level: 'account', subjectId: a.adminId, sessionVersion: 1 });
    const [fresh] = await getDb().select({ id: apiSessions.id }).from(apiSessions).where(eq(apiSessions.tokenHash, hashApiToken(freshToken)));
    await expect(addDestination(a.admin, input, testContext, { apiSessionId: fresh!.id })).resolves.toEqual({ id: expect.any(Number) });
    expect(await listDestinations(a.accountId)).toHaveLength(1);
  });

  it('refuses internal webhook targets at save (127.0.0.2 while only 127.0.0.1 is admitted, private, link-local, IPv4-mapped) and bad input', async () => {
    const a = await admin();
    for (const url of ['http://127.0.0.2:8080/x', 'https://10.0.0.1/x', 'https://169.254.169.254/latest/meta-data', 'https://[::ffff:127.0.0.2]/x', 'ftp://127.0.0.1/x']) {
      await expect(addDestination(a.admin, { kind: 'webhook', url, events: ['sign_in.new_network'] }, testContext, a.proof)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(addDestination(a.admin, { kind: 'webhook', url: hook.url, events: [] }, testContext, a.proof)).rejects.toBeInstanceOf(ValidationError);
    await expect(addDestination(a.admin, { kind: 'webhook', url: hook.url, events: ['sign_in.everything'] }, testContext, a.proof)).rejects.toBeInstanceOf(ValidationError);
    await expect(addDestination(a.admin, { kind: 'email', to: 'not-an-address', events: ['sign_in.new_network'] }, testContext, a.proof)).rejects.toBeInstanceOf(ValidationError);
    await expect(addDestination(a.admin, { kind: 'pigeon', events: ['sign_in.new_network'] }, testContext, a.proof)).rejects.toBeInstanceOf(ValidationError);
    expect(await listDestinations(a.accountId)).toEqual([]);
  });

  it('bounds destinations per account', async () => {
    const a = await admin();
    for (let i = 0; i < MAX_DESTINATIONS; i++) await addDestination(a.admin, { kind: 'email', to: `n${i}@example.com`, events: ['sign_in.new_network'] }, testContext, a.proof);
    await expect(addDestination(a.admin, { kind: 'email', to: 'one-more@example.com', events: ['sign_in.new_network'] }, testContext, a.proof)).rejects.toBeInstanceOf(ValidationError);
  });

  it('"Send a test" reaches the webhook (signed) and the e-mail address; a destination that keeps failing is named for the overview', async () => {
    const a = await admin();
    const web = await addDestination(a.admin, { kind: 'webhook', url: hook.url, events: ['sign_in.new_network'] }, testContext, a.proof);
    const mail = await addDestination(a.admin, { kind: 'email', to: 'soc@example.com', events: ['sign_in.new_network'] }, testContext, a.proof);
    expect(await sendTestNotification(a.admin, web.id, testContext)).toEqual({ ok: true });
    const body = JSON.parse(hook.received.at(-1)!.body) as NotificationBody;
    expect(body).toMatchObject({ type: 'test', account: expect.stringContaining('Unit '), mailbox: null });
    expect(hook.received.at(-1)!.headers['x-portcullis-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await sendTestNotification(a.admin, mail.id, testContext)).toEqual({ ok: true });
    expect(sink.messages.at(-1)!.to).toEqual(['soc@example.com']);
    failing = true;
    for (let i = 0; i < FAILING_AFTER; i++) expect(await sendTestNotification(a.admin, web.id, testContext)).toEqual({ ok: false, error: 'answered 503' });
    failing = false;
    expect(await failingDestinations(a.accountId)).toEqual([expect.objectContaining({ id: web.id, failures: FAILING_AFTER, lastError: 'answered 503' })]);
    expect(await sendTestNotification(a.admin, web.id, testContext)).toEqual({ ok: true });
    expect(await failingDestinations(a.accountId)).toEqual([]);
    // /metrics counts each try by kind and result.
    const { body: metrics } = await metricsText();
    expect(metrics).toMatch(/^portcullis_notifications_total\{kind="webhook",result="sent"\} [2-9]/m);
    expect(metrics).toMatch(new RegExp(`^portcullis_notifications_total\\{kind="webhook",result="failed"\\} ${FAILING_AFTER}$`, 'm'));
    expect(metrics).toMatch(/^portcullis_notifications_total\{kind="email",result="sent"\} 1$/m);
  });

  it("another account's destination is not found: not listed, not tested, not deleted", async () => {
    const a = await admin();
    const b = await admin();
    const { id } = await addDestination(a.admin, { kind: 'email', to: 'soc@example.com', events: ['sign_in.new_network'] }, testContext, a.proof);
    expect(await listDestinations(b.accountId)).toEqual([]);
    await expect(sendTestNotification(b.admin, id, testContext)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteDestination(b.admin, id, testContext)).rejects.toBeInstanceOf(NotFoundError);
    await deleteDestination(a.admin, id, testContext);
    expect(await listDestinations(a.accountId)).toEqual([]);
  });

  it('gives a destination a language: the input\'s, else the adding admin\'s page language, else English; only the account\'s admins change it, audited', async () => {
    const a = await admin();
    const plain = await addDestination(a.admin, { kind: 'email', to: 'a@example.com', events: ['sign_in.new_network'] }, testContext, a.proof);
    const paged = await addDestination(a.admin, { kind: 'email', to: 'b@example.com', events: ['sign_in.new_network'] }, testContext, a.proof, { language: 'de' });
    const chosen = await addDestination(a.admin, { kind: 'email', to: 'c@example.com', events: ['sign_in.new_network'], language: 'en' }, testContext, a.proof, { language: 'de' });
    await expect(addDestination(a.admin, { kind: 'email', to: 'd@example.com', events: ['sign_in.new_network'], language: '__proto__' }, testContext, a.proof)).rejects.toBeInstanceOf(ValidationError);
    expect((await listDestinations(a.accountId)).map((d) => [d.id, d.language])).toEqual([
      [plain.id, 'en'],
      [paged.id, 'de'],
      [chosen.id, 'en'],
    ]);
    await setDestinationLanguage(a.admin, plain.id, 'de', testContext);
    await setDestinationLanguage(a.admin, plain.id, 'de', testContext);
    await expect(setDestinationLanguage(a.admin, plain.id, 'fr', testContext)).rejects.toBeInstanceOf(ValidationError);
    const other = await admin();
    await expect(setDestinationLanguage(other.admin, plain.id, 'en', testContext)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listDestinations(a.accountId)).find((d) => d.id === plain.id)?.language).toBe('de');
    const changes = await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.event, 'notify_destination_changed'));
    expect(changes.map((c) => c.detail)).toEqual([{ admin: a.adminEmail, destination_id: plain.id, old_language: 'en', new_language: 'de' }]);
    // Its test e-mail is in it.
    expect(await sendTestNotification(a.admin, plain.id, testContext)).toEqual({ ok: true });
    const mail = readMail(sink.messages.filter((m) => m.to.includes('a@example.com')).at(-1)!);
    expect(mail.subject).toMatch(/^\[Portcullis\] Test: Unit /);
    expect(mail.text).toMatch(new RegExp(`^Eine Testbenachrichtigung von Portcullis, gesendet von ${a.adminEmail.replace(/\./g, '\\.')}\\. Wenn Sie dies lesen`));
  });
});

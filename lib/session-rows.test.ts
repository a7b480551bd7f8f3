import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { createApiSession } from '@/lib/session/api-session';
import { createWebSession } from '@/lib/session/row';
import { makeAccount, makeMailbox } from '@/lib/testing/factories';
import { endOneSession, endSubjectSessions, listSubjectSessions } from './session-rows';

async function mailboxWithSessions() {
  const account = await makeAccount();
  const box = await makeMailbox(account.domain);
  const web = (clientIp: string) => createWebSession({ kind: 'mailbox', subjectId: box.id, sessionVersion: 1, clientIp, userAgent: null });
  const mine = await web('198.51.100.1');
  const other = await web('198.51.100.2');
  await createWebSession({ kind: 'mailbox', subjectId: box.id, sessionVersion: 1, clientIp: '198.51.100.3', userAgent: null, pending: 'second_factor' });
  await createApiSession({ level: 'mail', subjectId: box.id, sessionVersion: 1 });
  return { account, box, mine, other };
}

describe('the session row operations services use', () => {
  it('lists a subject\'s live web and API sessions, marks the current one and leaves out a sign-in waiting for its second factor', async () => {
    const { box, mine } = await mailboxWithSessions();
    const list = await listSubjectSessions('mailbox', box.id, mine);
    expect(list.map((s) => s.channel).sort()).toEqual(['api', 'web', 'web']);
    expect(list.filter((s) => s.current).map((s) => s.startIp)).toEqual(['198.51.100.1']);
  });

  it('ends one session only for its own subject', async () => {
    const { box, mine } = await mailboxWithSessions();
    const stranger = await mailboxWithSessions();
    const theirs = (await listSubjectSessions('mailbox', stranger.box.id)).find((s) => s.channel === 'web')!;
    expect(await endOneSession('mailbox', box.id, 'web', theirs.id)).toBe(false);
    expect(await endOneSession('admin', stranger.box.id, 'web', theirs.id)).toBe(false);
    expect(await endOneSession('mailbox', stranger.box.id, 'web', theirs.id)).toBe(true);
    expect((await listSubjectSessions('mailbox', box.id, mine)).length).toBe(3);
  });

  it('ends every web and API session of the subject except the one kept, and no one else\'s', async () => {
    const { box, mine } = await mailboxWithSessions();
    const stranger = await mailboxWithSessions();
    // Two web sessions (the other and the pending one) and the API session end; the kept one stays.
    expect(await endSubjectSessions(getDb(), 'mailbox', box.id, mine)).toBe(3);
    expect((await listSubjectSessions('mailbox', box.id, mine)).map((s) => s.current)).toEqual([true]);
    expect((await listSubjectSessions('mailbox', stranger.box.id)).length).toBe(3);
    expect(await endSubjectSessions(getDb(), 'mailbox', box.id)).toBe(1);
  });
});

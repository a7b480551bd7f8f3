import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { auditSentence } from '@/lib/audit-sentence';
import { makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';
import { newNetworkNoticeOn, rememberMailboxLanguage, setNewNetworkNotice } from './user-notices';

describe("the user's own sign-in notice", () => {
  it('is off by default; switching it is audited once per change, with a plain sentence', async () => {
    const a = await makeAccount();
    const box = await makeMailbox(a.domain);
    const me = { id: box.id, email: box.email, accountId: a.accountId };
    expect(await newNetworkNoticeOn(box.id)).toBe(false);
    await setNewNetworkNotice(me, true, { ...testContext, actor: { kind: 'mailbox', id: box.id, email: box.email } });
    await setNewNetworkNotice(me, true, testContext);
    expect(await newNetworkNoticeOn(box.id)).toBe(true);
    await setNewNetworkNotice(me, false, testContext);
    expect(await newNetworkNoticeOn(box.id)).toBe(false);
    const rows = await getDb().select().from(auditEvents).where(and(eq(auditEvents.mailboxId, box.id), eq(auditEvents.event, 'sign_in_notices_changed')));
    expect(rows.map((r) => r.detail)).toEqual([{ new_network: true }, { new_network: false }]);
    expect(auditSentence({ ...rows[0]!, detail: rows[0]!.detail ?? null })).toBe(`${box.email} turned on e-mails about sign-ins from new networks for ${box.email} from 198.51.100.1`);
  });

  it('is written in the language the mailbox last used on the web: English until then, remembered without touching updated_at', async () => {
    const a = await makeAccount();
    const box = await makeMailbox(a.domain);
    const row = async () => (await getDb().select({ language: mailboxes.language, updatedAt: mailboxes.updatedAt }).from(mailboxes).where(eq(mailboxes.id, box.id)))[0]!;
    const before = await row();
    expect(before.language).toBe('en');
    await rememberMailboxLanguage(box.id, 'de');
    expect(await row()).toEqual({ language: 'de', updatedAt: before.updatedAt });
    await rememberMailboxLanguage(box.id, 'en');
    expect((await row()).language).toBe('en');
  });
});

import { describe, expect, it } from 'vitest';
import { emailSchema, mailboxPatchSchema, memoSchema, ownPasswordChangeSchema } from './schemas';

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe('size limits at the door (spec §12)', () => {
  it('refuse an oversized value with its limit alone, before any other check runs', () => {
    const started = performance.now();
    expect(messages(emailSchema.safeParse(`${'a'.repeat(1_000_000)}@`))).toEqual(['must be at most 320 characters']);
    expect(messages(memoSchema.safeParse('m'.repeat(1_000_000)))).toEqual(['must be at most 2,000 characters']);
    expect(messages(mailboxPatchSchema.safeParse({ password: 'p'.repeat(1025) }))).toEqual(['must be at most 1,024 bytes']);
    // 600 characters but 1,200 bytes.
    expect(messages(mailboxPatchSchema.safeParse({ password: 'é'.repeat(600) }))).toEqual(['must be at most 1,024 bytes']);
    expect(messages(mailboxPatchSchema.safeParse({ allowNets: ' '.repeat(70_000) }))[0]).toContain('64 KiB');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('normalise new passwords to NFC before the rules compare them', () => {
    const nfd = 'Cafe\u0301-Harbor-Lantern-42';
    const parsed = ownPasswordChangeSchema.safeParse({ newPassword: nfd, confirmPassword: nfd.normalize('NFC') });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.newPassword).toBe(nfd.normalize('NFC'));
    expect(mailboxPatchSchema.parse({ password: nfd }).password).toBe(nfd.normalize('NFC'));
  });
});

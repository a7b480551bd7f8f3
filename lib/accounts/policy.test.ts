import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '@/db/schema';
import { getDb } from '@/db';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { operatorScope } from '@/lib/scope';
import { makeAccount, testContext } from '@/lib/testing/factories';
import { getAccountPolicy, setAccountPolicy } from './policy';

const changesOf = (accountId: number) => getDb().select().from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, 'account_policy_changed')));

describe('account policies: password expiry', () => {
  it('is off by default; set, changed and turned off again, each change audited with old and new', async () => {
    const { accountId, scope } = await makeAccount();
    expect(await getAccountPolicy(scope)).toMatchObject({ password_max_age_days: null });
    expect(await setAccountPolicy(scope, testContext, { password_max_age_days: 90 })).toMatchObject({ password_max_age_days: 90 });
    // The same value again, or a patch without the field, changes nothing and audits nothing.
    await setAccountPolicy(scope, testContext, { password_max_age_days: 90 });
    await setAccountPolicy(scope, testContext, {});
    await setAccountPolicy(scope, testContext, { password_max_age_days: null });
    expect((await changesOf(accountId)).map((r) => r.detail)).toEqual([
      { policy: 'password_max_age_days', old: null, new: 90 },
      { policy: 'password_max_age_days', old: 90, new: null },
    ]);
  });

  it('refuses values that are not a whole number of days from 1 to 3650, and unknown fields, changing nothing', async () => {
    const { scope } = await makeAccount();
    for (const bad of [0, -5, 3651, 1.5, '30', true]) {
      await expect(setAccountPolicy(scope, testContext, { password_max_age_days: bad as number })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(setAccountPolicy(scope, testContext, { password_max_age_days: 30, __proto__: { x: 1 }, other: 1 } as never)).rejects.toBeInstanceOf(ValidationError);
    expect((await getAccountPolicy(scope)).password_max_age_days).toBeNull();
  });

  it('belongs to one account: another account\'s policy is untouched, and the operator scope names none', async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    await setAccountPolicy(a.scope, testContext, { password_max_age_days: 30 });
    expect((await getAccountPolicy(b.scope)).password_max_age_days).toBeNull();
    await expect(getAccountPolicy(operatorScope)).rejects.toBeInstanceOf(NotFoundError);
  });
});

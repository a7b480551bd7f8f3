import 'server-only';
import { asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, admins, domains } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { addressInUseMessage, claimAddress } from './addresses';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { hashPassword } from '@/lib/auth/password';
import { checkPasswordPolicy } from '@/lib/auth/password-policy';
import { env } from '@/lib/env';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { domainSchema, emailSchema } from './schemas';
import { tenantCondition, type Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';

/** Business accounts, their domains and their admins (operator actions: the CLI). */

export const accountCreateSchema = z.object({
  name: z.string({ error: 'is required' }).trim().min(1, 'is required').max(200),
  domain: domainSchema,
  adminEmail: emailSchema,
  adminPassword: z.string({ error: 'is required' }).min(1, 'is required'),
});

export async function createAccount(input: z.input<typeof accountCreateSchema>, ctx: AuditContext): Promise<{ accountId: number; adminId: number }> {
  const data = parseOrThrow(accountCreateSchema, input);
  const problems = checkPasswordPolicy({ password: data.adminPassword, email: data.adminEmail, minLength: env().PASSWORD_MIN_LENGTH, subject: 'admin' });
  if (problems.length) throw new ValidationError('password', `password: ${problems.map((p) => p.message).join(' ')}`, problems);
  const passwordHash = await hashPassword(data.adminPassword);
  return transaction(async (tx) => {
    if ((await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, data.name)).limit(1))[0]) throw new ConflictError(`Account "${data.name}" already exists`);
    if ((await tx.select({ id: domains.id }).from(domains).where(eq(domains.name, data.domain)).limit(1))[0]) throw new ConflictError(`Domain ${data.domain} already exists`);
    if ((await claimAddress(tx, data.adminEmail)).taken) throw new ConflictError(addressInUseMessage(data.adminEmail));
    const [account] = (await tx.insert(accounts).values({ name: data.name }).returning({ id: accounts.id })) as [{ id: number }];
    await tx.insert(domains).values({ accountId: account.id, name: data.domain });
    const [admin] = (await tx.insert(admins).values({ accountId: account.id, email: data.adminEmail, passwordHash }).returning({ id: admins.id })) as [{ id: number }];
    await recordAudit(tx, ctx, { event: 'account_created', accountId: account.id, detail: { name: data.name, domain: data.domain, admin: data.adminEmail } });
    return { accountId: account.id, adminId: admin.id };
  });
}

export async function addDomain(input: { account: string; domain: string }, ctx: AuditContext): Promise<void> {
  const name = parseOrThrow(domainSchema, input.domain);
  await transaction(async (tx) => {
    const [account] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, input.account.trim())).limit(1);
    if (!account) throw new NotFoundError(`Account "${input.account}" not found`);
    if ((await tx.select({ id: domains.id }).from(domains).where(eq(domains.name, name)).limit(1))[0]) throw new ConflictError(`Domain ${name} already exists`);
    await tx.insert(domains).values({ accountId: account.id, name });
    await recordAudit(tx, ctx, { event: 'domain_added', accountId: account.id, detail: { domain: name } });
  });
}

/** An account's id by its name (operator commands name accounts); NotFoundError when there is none. */
/** Whether any account exists (the demo data goes only into an empty installation). */
export async function hasAccounts(): Promise<boolean> {
  const [row] = await getDb().select({ n: count() }).from(accounts).limit(1);
  return (row?.n ?? 0) > 0;
}

export async function accountIdByName(name: string): Promise<number> {
  const [row] = await getDb().select({ id: accounts.id }).from(accounts).where(eq(accounts.name, String(name).trim())).limit(1);
  if (!row) throw new NotFoundError(`Account "${name}" not found`);
  return row.id;
}

/** The scope's domains, alphabetically. */
export async function listDomains(scope: Scope): Promise<string[]> {
  const db = getDb();
  const rows = await db
    .select({ name: domains.name })
    .from(domains)
    .where(tenantCondition(scope, domains.accountId))
    .orderBy(asc(domains.name));
  return rows.map((r) => r.name);
}

/*
 * Seeding for the benches, through the app's own asynchronous data layer (`getDb()`, `transaction`), so that
 * SQLite and PostgreSQL get the same rows by the same code. The engine is the one the environment selects
 * (DATABASE_URL or DATABASE_PATH); opening it applies the migrations.
 *
 * As a child process (bench/support/engine.ts, seedInEngine):
 *   node --import tsx --conditions=react-server bench/support/seed.ts users '{"count":20,"password":"…","cost":12}'
 * prints its result as one JSON line.
 */
import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import { getDb, transaction } from '../../db';
import { databaseTarget, migrateTarget } from '../../db/engine';
import { accounts, admins, domains, mailboxes, messages } from '../../db/schema';
import { encodeSession } from '../../lib/session/token';
import { createWebSession } from '../../lib/session/row';
import { runScript } from './engine';
import { seededRandom } from './random';

type NewMailbox = typeof mailboxes.$inferInsert;

/** Applies the migrations of the engine the environment selects, as server.ts does before serving. */
export async function migrate(): Promise<void> {
  await migrateTarget(databaseTarget());
}

/** Inserts rows in multi-row statements of 500, all in one transaction. */
async function insertMailboxes(rows: NewMailbox[]): Promise<void> {
  await transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await tx.insert(mailboxes).values(rows.slice(i, i + 500));
  });
}

async function account(name: string, domain: string): Promise<{ accountId: number; domainId: number }> {
  const db = getDb();
  const [a] = (await db.insert(accounts).values({ name }).returning({ id: accounts.id })) as [{ id: number }];
  const [d] = (await db.insert(domains).values({ accountId: a.id, name: domain }).returning({ id: domains.id })) as [{ id: number }];
  return { accountId: a.id, domainId: d.id };
}

/** `count` mailboxes user0…@`domain` sharing one password hash at `cost`; the addresses. */
export async function seedUsers(args: { count: number; password: string; cost: number; domain?: string; allowNets?: string }): Promise<{ emails: string[] }> {
  const domain = args.domain ?? 'bench.test';
  const { accountId, domainId } = await account('Bench', domain);
  // One hash for every mailbox: the verification cache and the sign-in still pay bcrypt per mailbox.
  const passwordHash = bcrypt.hashSync(args.password, args.cost);
  const emails = Array.from({ length: args.count }, (_, i) => `user${i}@${domain}`);
  await insertMailboxes(emails.map((email) => ({ accountId, domainId, email, passwordHash, allowNets: args.allowNets ?? null })));
  return { emails };
}

/**
 * bench/web.ts: `count` mailboxes whose lists have `listSize` /24 networks (drawn from a fixed seed, so both
 * engines get the same list) and admit 127.0.0.1, each with `messages` messages in its inbox.
 */
export async function seedWebUsers(args: { count: number; password: string; cost: number; listSize: number; messages: number }): Promise<{ emails: string[] }> {
  const random = seededRandom(0x3eb);
  const nets = new Set<string>(['127.0.0.1']);
  while (nets.size < args.listSize) nets.add(`${1 + Math.floor(random() * 222)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.0/24`);
  const { emails } = await seedUsers({ count: args.count, password: args.password, cost: args.cost, allowNets: [...nets].join(',') });
  const rows = (await getDb().select({ id: mailboxes.id }).from(mailboxes)).flatMap(({ id }) =>
    Array.from({ length: args.messages }, (_, i) => ({ mailboxId: id, fromAddress: 'a@b.test', subject: `Message ${i}`, body: 'x', receivedAt: new Date() })),
  );
  await transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await tx.insert(messages).values(rows.slice(i, i + 500));
  });
  return { emails };
}

const WORDS = ['sales', 'ops', 'finance', 'support', 'dev', 'hr', 'legal', 'it', 'marketing', 'office'];

/**
 * The admin list's data (bench/admin-list.ts): `count` mailboxes in the measured account and `otherCount` in
 * another one, drawn from a fixed seed so that every run and both engines get the same rows; with `admin`, an
 * admin of the measured account with a server-side session, and its cookie (AUTH_SECRET must be the server's).
 */
export async function seedAdminList(args: { count: number; otherCount: number; admin?: boolean }): Promise<{ accountId: number; cookie?: string }> {
  const random = seededRandom(0xad1);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const randomNets = () => {
    const n = int(1, 5);
    const nets: string[] = [];
    for (let i = 0; i < n; i++) nets.push(random() < 0.8 ? `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.0/24` : `2001:db8:${int(0, 0xffff).toString(16)}::/48`);
    return [...new Set(nets)].join(',');
  };
  const passwordHash = bcrypt.hashSync('bench-password-not-used', 4);
  const now = Date.now();
  const seedAccount = async (name: string, domain: string, count: number) => {
    const ids = await account(name, domain);
    const rows: NewMailbox[] = [];
    for (let i = 0; i < count; i++) {
      const loggedIn = random() < 0.8;
      rows.push({
        accountId: ids.accountId,
        domainId: ids.domainId,
        email: `${WORDS[i % WORDS.length]!}.user${String(i).padStart(5, '0')}@${domain}`,
        passwordHash,
        allowNets: random() < 0.3 ? randomNets() : null,
        requireResetPassword: random() < 0.05,
        active: random() >= 0.02,
        lastLoginAt: loggedIn ? new Date(now - int(0, 90 * 86_400) * 1000) : null,
        lastLoginIp: loggedIn ? `198.51.100.${int(1, 254)}` : null,
        createdAt: new Date(now - int(0, 365) * 86_400_000),
      });
    }
    await insertMailboxes(rows);
    return ids.accountId;
  };
  const accountId = await seedAccount('Bench', 'bench.example', args.count);
  await seedAccount('Other', 'other.example', args.otherCount);
  if (!args.admin) return { accountId };
  const [admin] = (await getDb().insert(admins).values({ accountId, email: 'bench-admin@bench.example', passwordHash }).returning({ id: admins.id })) as [{ id: number }];
  const sid = await createWebSession({ kind: 'admin', subjectId: admin.id, sessionVersion: 1, clientIp: '127.0.0.1', userAgent: 'bench' });
  return { accountId, cookie: `next-auth.admin-session-token=${await encodeSession({ kind: 'admin', sid })}` };
}

const jobs: Record<string, (args: never) => Promise<unknown>> = { users: seedUsers, 'web-users': seedWebUsers, 'admin-list': seedAdminList };

if (process.argv[1]?.endsWith('seed.ts')) {
  const [job, json] = process.argv.slice(2);
  const run = jobs[job ?? ''];
  if (!run) throw new Error(`unknown seed job "${job}"; one of ${Object.keys(jobs).join(', ')}`);
  process.env.AUTH_SECRET ??= crypto.randomBytes(32).toString('hex');
  runScript(async () => {
    await migrate();
    return run(JSON.parse(json ?? '{}') as never);
  }, true);
}

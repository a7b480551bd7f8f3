import 'server-only';
import { and, asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { apiSessions, notifyDestinations } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { requireRecentReauth, REAUTH_WINDOW_MS, type StepSession } from '@/lib/admins/reauth';
import { seal, unseal } from '@/lib/auth/secret-box';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '@/lib/i18n/locales';
import { emailSchema } from '@/lib/mailboxes/schemas';
import { parseOrThrow } from '@/lib/validation';
import { NOTIFY_EVENT_TYPES, type NotifyEventType } from './events-list';
import { checkWebhookUrl, TargetRefused, targetPolicy, systemResolver, type Resolver, type TargetPolicy } from './target';
import { newWebhookSecret } from './webhook';
import { problem } from '@/lib/service-problems';
import { notifyLocale } from './wording';

/** The purpose of sealed webhook secrets (lib/auth/secret-box.ts). */
export const WEBHOOK_SECRET_PURPOSE = 'notify-webhook-secret';
/** Destinations per account: enough for a team's tools, bounded so a list never grows without end. */
export const MAX_DESTINATIONS = 20;

const eventsSchema = z
  .array(z.enum(NOTIFY_EVENT_TYPES, { message: `must be one of ${NOTIFY_EVENT_TYPES.join(', ')}` }), { error: 'must be a list of event types' })
  .min(1, 'must name at least one event type')
  .max(NOTIFY_EVENT_TYPES.length * 2)
  .transform((v) => [...new Set(v)]);
const labelSchema = z.string({ error: 'must be a string' }).trim().max(100, 'must be at most 100 characters').optional();
/** The language a destination's e-mails and webhook summaries are written in (spec §22). */
export const destinationLanguageSchema = z.enum(LOCALES, { message: `must be one of ${LOCALES.join(', ')}` });

/** `notify.dest.add`'s input (and the admin form's, converted): one schema per kind. */
export const destinationAddSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('webhook'), url: z.string({ error: 'is required' }).trim().min(1, 'is required').max(2000, 'must be at most 2,000 characters'), events: eventsSchema, label: labelSchema, language: destinationLanguageSchema.optional() }),
    z.object({ kind: z.literal('email'), to: emailSchema, events: eventsSchema, label: labelSchema, language: destinationLanguageSchema.optional() }),
  ],
  { error: 'must be "webhook" or "email"' },
);

export interface DestinationView {
  id: number;
  kind: 'webhook' | 'email';
  label: string;
  /** The webhook URL or the e-mail address. */
  target: string;
  events: NotifyEventType[];
  language: Locale;
  createdAt: Date;
  failures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
}

/**
 * Proof that the admin just proved who they are (spec §23's sensitive steps): a web session's recent
 * confirmation, or an API session opened by `auth` within the last 5 minutes.
 */
export type DestinationProof = { web: StepSession | null } | { apiSessionId: number };

async function requireProof(proof: DestinationProof, now: number): Promise<void> {
  if ('web' in proof) return await requireRecentReauth(proof.web, now);
  const [row] = await getDb().select({ createdAt: apiSessions.createdAt }).from(apiSessions).where(eq(apiSessions.id, proof.apiSessionId)).limit(1);
  if (!row || now - row.createdAt.getTime() >= REAUTH_WINDOW_MS) throw new ForbiddenError('Adding a destination needs a session opened within the last 5 minutes: call auth again, then notify.dest.add.');
}

const toView = (row: typeof notifyDestinations.$inferSelect): DestinationView => ({
  id: row.id,
  kind: row.kind,
  label: row.label,
  target: (row.kind === 'webhook' ? row.url : row.emailTo) ?? '',
  events: row.events.split(',').filter((e): e is NotifyEventType => (NOTIFY_EVENT_TYPES as readonly string[]).includes(e)),
  language: notifyLocale(row.language),
  createdAt: row.createdAt,
  failures: row.failures,
  lastSuccessAt: row.lastSuccessAt,
  lastFailureAt: row.lastFailureAt,
  lastError: row.lastError,
});

/**
 * Adds a destination to the admin's account. A webhook URL must pass the target rules now (and again at
 * every delivery); its signing secret is generated here, stored sealed, and returned this once. Its
 * language is the input's `language`, else `options.language` (the web passes the admin's page language),
 * else English (the API's language).
 */
export async function addDestination(
  admin: { id: number; email: string; accountId: number },
  input: unknown,
  ctx: AuditContext,
  proof: DestinationProof,
  options: { now?: number; policy?: TargetPolicy; resolve?: Resolver; language?: Locale } = {},
): Promise<{ id: number; secret?: string }> {
  const now = options.now ?? Date.now();
  await requireProof(proof, now);
  const data = parseOrThrow(destinationAddSchema, input);
  let url: string | null = null;
  if (data.kind === 'webhook') {
    try {
      url = (await checkWebhookUrl(data.url, options.policy ?? targetPolicy(), options.resolve ?? systemResolver)).url.toString();
    } catch (error) {
      if (error instanceof TargetRefused) throw new ValidationError('url', error.problem ? { ...error.problem, field: 'url' } : `url: ${error.message}`);
      throw error;
    }
  }
  const secret = data.kind === 'webhook' ? newWebhookSecret() : undefined;
  const language = data.language ?? options.language ?? DEFAULT_LOCALE;
  const id = await transaction(async (tx) => {
    const [{ n }] = (await tx.select({ n: count() }).from(notifyDestinations).where(eq(notifyDestinations.accountId, admin.accountId))) as [{ n: number }];
    if (Number(n) >= MAX_DESTINATIONS) throw new ValidationError('kind', problem('destinations_max', { max: MAX_DESTINATIONS }));
    const [row] = await tx
      .insert(notifyDestinations)
      .values({
        accountId: admin.accountId,
        kind: data.kind,
        label: data.label ?? '',
        url,
        emailTo: data.kind === 'email' ? data.to : null,
        events: data.events.join(','),
        language,
        secretSealed: secret ? seal(secret, WEBHOOK_SECRET_PURPOSE) : null,
      })
      .returning({ id: notifyDestinations.id });
    await recordAudit(tx, ctx, { event: 'notify_destination_added', accountId: admin.accountId, detail: { admin: admin.email, destination_id: row!.id, kind: data.kind, target: url ?? (data.kind === 'email' ? data.to : ''), events: data.events.join(','), language } });
    return row!.id;
  });
  return secret ? { id, secret } : { id };
}

/**
 * Changes the language a destination of the admin's account is written in (audited
 * `notify_destination_changed`); notifications already queued keep the words they were queued with.
 */
export async function setDestinationLanguage(admin: { id: number; email: string; accountId: number }, id: number, input: unknown, ctx: AuditContext): Promise<void> {
  const language = parseOrThrow(destinationLanguageSchema, input);
  await transaction(async (tx) => {
    const [before] = await tx.select({ language: notifyDestinations.language }).from(notifyDestinations).where(and(eq(notifyDestinations.id, id), eq(notifyDestinations.accountId, admin.accountId))).limit(1);
    if (!before) throw new NotFoundError(problem('destination_not_found'));
    if (before.language === language) return;
    await tx.update(notifyDestinations).set({ language }).where(eq(notifyDestinations.id, id));
    await recordAudit(tx, ctx, { event: 'notify_destination_changed', accountId: admin.accountId, detail: { admin: admin.email, destination_id: id, old_language: before.language, new_language: language } });
  });
}

/** The account's destinations, oldest first (never a secret). */
export async function listDestinations(accountId: number): Promise<DestinationView[]> {
  const rows = await getDb().select().from(notifyDestinations).where(eq(notifyDestinations.accountId, accountId)).orderBy(asc(notifyDestinations.id));
  return rows.map(toView);
}

/** One destination of the account, with its secret opened (for delivery and tests); NotFoundError otherwise. */
export async function destinationForDelivery(accountId: number | null, id: number) {
  const [row] = await getDb()
    .select()
    .from(notifyDestinations)
    .where(accountId === null ? eq(notifyDestinations.id, id) : and(eq(notifyDestinations.id, id), eq(notifyDestinations.accountId, accountId)))
    .limit(1);
  if (!row) throw new NotFoundError(problem('destination_not_found'));
  return { ...toView(row), accountId: row.accountId, secret: row.secretSealed ? unseal(row.secretSealed, WEBHOOK_SECRET_PURPOSE) : null };
}

/** Deletes a destination of the admin's account (pending deliveries to it go with it). */
export async function deleteDestination(admin: { id: number; email: string; accountId: number }, id: number, ctx: AuditContext): Promise<void> {
  await transaction(async (tx) => {
    const rows = await tx
      .delete(notifyDestinations)
      .where(and(eq(notifyDestinations.id, id), eq(notifyDestinations.accountId, admin.accountId)))
      .returning({ kind: notifyDestinations.kind, url: notifyDestinations.url, emailTo: notifyDestinations.emailTo });
    const row = rows[0];
    if (!row) throw new NotFoundError(problem('destination_not_found'));
    await recordAudit(tx, ctx, { event: 'notify_destination_removed', accountId: admin.accountId, detail: { admin: admin.email, destination_id: id, kind: row.kind, target: row.url ?? row.emailTo ?? '' } });
  });
}

import 'server-only';
import crypto from 'node:crypto';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { adminApiKeys, admins, apiSessions } from '@/db/schema';
import { getDb, prepareAs, preparedOnce } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { recordWouldRefuseRequest } from '@/lib/session/would-refuse';
import { adminFacts, checkAdminSession, checkMailboxSession, mailboxFacts, recordAdminSessionEnded, recordSessionEnded, type GateAdmin, type GateMailbox } from '@/lib/session/check';
import { confinementStep, evaluate, type Confinement, type ConfinementRefusal, type Verdict } from '@/lib/session/evaluate';
import type { AccountScope } from '@/lib/scope';
import { SESSION_LIFETIME_MS } from '@/lib/session/lifetime';
import { completeAdminSignIn, completeMailboxSignIn, normaliseEmail, verifyAdminSignIn, verifyMailboxSignIn } from './sign-in';
import { verifyMailboxSecondFactor, verifySecondFactor } from '@/lib/second-factor/verify';
import { looksLikeApiKey } from '@/lib/auth/api-key';
import { apiKeyProblem, verifyAdminApiKey } from '@/lib/session/api-key-sign-in';

/**
 * JSON-RPC API sessions (spec §9). The token is 256 random bits handed to the client once; the database
 * keeps only its SHA-256, so a copy of the database does not yield usable tokens. A session expires after
 * 20 minutes without use and every use extends it. Like a web session, every request checks it again
 * against the current state of its subject (see verifyApiSession).
 */

export const API_SESSION_IDLE_MS = 20 * 60_000;

/** The sliding expiry after a use at `now`, capped by the absolute lifetime from `createdAt`. */
export function apiSessionExpiry(createdAt: Date, now: Date): Date {
  return new Date(Math.min(now.getTime() + API_SESSION_IDLE_MS, createdAt.getTime() + SESSION_LIFETIME_MS));
}
/**
 * How long an expired row is kept before another sign-in's housekeeping deletes it: a client whose session
 * has just run out is then told `expired` (and the row goes with that answer), not `unknown`, whatever other
 * clients sign in meanwhile. A kept row is refused like any expired one.
 */
export const EXPIRED_API_SESSION_KEPT_MS = 60 * 60_000;
const TOKEN_BYTES = 32;
// base64url of 32 bytes is 43 characters; anything much longer cannot be ours and is not worth hashing.
const MAX_TOKEN_LENGTH = 128;

export type ApiLevel = 'account' | 'mail';

export type ApiSession =
  | { readonly level: 'account'; readonly id: number; readonly admin: GateAdmin; readonly scope: AccountScope }
  | { readonly level: 'mail'; readonly id: number; readonly mailbox: GateMailbox; readonly scope: AccountScope };

export type ApiSessionFailure =
  /** No token, an unknown one, or one past its expiry. */
  | 'missing'
  | 'unknown'
  | 'expired'
  /** Account level: the admin was deleted, deactivated, its session version bumped or its list refuses the address. */
  | 'admin_session_ended'
  /** Mail level: the same reasons that end a web session (lib/session/check.ts). */
  | 'unknown_mailbox'
  | 'inactive'
  | 'session_version'
  | 'network_not_allowed'
  | 'password_change_required'
  /** A confinement (lib/session/evaluate.ts): its refusal. */
  | ConfinementRefusal
  /** Never for an API session (no web_sessions row is involved); listed so the gate's reasons fit. */
  | 'session_unknown'
  | 'session_expired'
  | 'session_idle';

export type ApiSessionCheck = { ok: true; session: ApiSession } | { ok: false; reason: ApiSessionFailure };

/** SHA-256 (hex) of a token: what api_sessions stores and looks up. */
export function hashApiToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Starts a session for a verified subject and returns the token (the only time it exists in clear). */
export async function createApiSession(
  subject: { level: ApiLevel; subjectId: number; sessionVersion: number; apiKeyId?: number },
  now = new Date(),
  client: { clientIp?: string | null; userAgent?: string | null } = {},
): Promise<string> {
  const token = crypto.randomBytes(TOKEN_BYTES).toString('base64url');
  const db = getDb();
  // Housekeeping: rows expired for a while are useless (verifyApiSession refuses every expired one); sign-ins
  // are rare enough to pay for it.
  await db.delete(apiSessions).where(lte(apiSessions.expiresAt, new Date(now.getTime() - EXPIRED_API_SESSION_KEPT_MS)));
  await db
    .insert(apiSessions)
    .values({
      tokenHash: hashApiToken(token),
      level: subject.level,
      subjectId: subject.subjectId,
      sessionVersion: subject.sessionVersion,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: apiSessionExpiry(now, now),
      clientIp: client.clientIp ?? null,
      userAgent: client.userAgent ? client.userAgent.slice(0, 500) : null,
      apiKeyId: subject.apiKeyId ?? null,
    });
  return token;
}

async function deleteSession(id: number): Promise<void> {
  await getDb().delete(apiSessions).where(eq(apiSessions.id, id));
}

/**
 * Confinements an API session is not held to. An admin's initial password is replaced in the browser,
 * but account-level API sessions have never been refused for it (behaviour kept; see docs/sessions.md).
 */
const API_WAIVED: Record<ApiLevel, readonly Confinement[]> = { account: ['password-choice'], mail: [] };

/**
 * Why a verdict that does not admit the request ends an API session: the audit's reason, and at mail level
 * the client's (lib/rpc/context.ts maps it to an RPC error). There are no pages here, so a confinement ends
 * the session with its refusal (lib/session/evaluate.ts).
 */
function apiEndReason(verdict: Verdict): ApiSessionFailure {
  switch (verdict.kind) {
    case 'ended':
      // The mailbox and admin checks' reasons (lib/session/check.ts); those a client is told are members.
      return verdict.reason as ApiSessionFailure;
    case 'confined':
    case 'at-step':
    case 'step-done':
      return confinementStep(verdict.step).refusal;
    case 'signed-out':
    case 'allowed':
      // A session row was found, so neither occurs.
      return 'unknown';
  }
}

/**
 * The API's data-access gate, run once per HTTP request that needs a session. The token must be known and
 * unexpired; an account-level session's admin must still exist at the same session version; a mail-level
 * session's mailbox must exist, be active, be at the session version it had at `auth` (so a forced
 * password change, a new password or deactivation ends it), have no pending reset, and its *current* list
 * must admit the *current* client address. A failed check deletes the session (and audits why, for mail
 * level); a passed one slides the expiry.
 */
export async function verifyApiSession(token: string | null, ctx: AuditContext & { clientIp: string | null }, now = new Date()): Promise<ApiSessionCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'unknown' };
  const db = getDb();
  const [row] = await db
    .select({
      id: apiSessions.id,
      level: apiSessions.level,
      subjectId: apiSessions.subjectId,
      sessionVersion: apiSessions.sessionVersion,
      createdAt: apiSessions.createdAt,
      expiresAt: apiSessions.expiresAt,
      clientIp: apiSessions.clientIp,
      apiKeyId: apiSessions.apiKeyId,
      // The key a session was opened with, in the same lookup (null columns for password sessions).
      keyId: adminApiKeys.id,
      keyRevokedAt: adminApiKeys.revokedAt,
      keyExpiresAt: adminApiKeys.expiresAt,
      keyAllowNets: adminApiKeys.allowNets,
    })
    .from(apiSessions)
    .leftJoin(adminApiKeys, eq(adminApiKeys.id, apiSessions.apiKeyId))
    .where(eq(apiSessions.tokenHash, hashApiToken(token)))
    .limit(1);
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.expiresAt.getTime() <= now.getTime()) {
    await deleteSession(row.id);
    return { ok: false, reason: 'expired' };
  }

  let session: ApiSession;
  if (row.level === 'account') {
    const check = await checkAdminSession({ uid: row.subjectId, sv: row.sessionVersion, apiSessionId: row.id }, ctx.clientIp, now.getTime());
    const verdict = evaluate(adminFacts(check), { at: null, waived: API_WAIVED.account });
    if (verdict.kind !== 'allowed' || !check.ok) {
      await deleteSession(row.id);
      await recordAdminSessionEnded(ctx, check.admin, apiEndReason(verdict), { level: 'account' });
      return { ok: false, reason: 'admin_session_ended' };
    }
    // Opened with an API key: the key must still hold (not revoked or expired, its list admits the client).
    if (row.apiKeyId !== null) {
      const problem = row.keyId === null ? 'api_key_unknown' : apiKeyProblem({ revokedAt: row.keyRevokedAt, expiresAt: row.keyExpiresAt, allowNets: row.keyAllowNets }, ctx.clientIp, now.getTime());
      if (problem) {
        await deleteSession(row.id);
        await recordAdminSessionEnded(ctx, check.admin, problem, { level: 'account', key_id: row.apiKeyId });
        return { ok: false, reason: 'admin_session_ended' };
      }
    }
    session = { level: 'account', id: row.id, admin: check.admin, scope: verdict.scope };
  } else {
    const check = await checkMailboxSession({ uid: row.subjectId, sv: row.sessionVersion, apiSessionId: row.id }, ctx.clientIp, now.getTime());
    const verdict = evaluate(mailboxFacts(check), { at: null, waived: API_WAIVED.mail });
    if (verdict.kind !== 'allowed' || !check.ok) {
      const reason = apiEndReason(verdict);
      await deleteSession(row.id);
      await recordSessionEnded(ctx, row.subjectId, check.mailbox, reason, { level: 'mail' });
      return { ok: false, reason };
    }
    if (verdict.monitored) await recordWouldRefuseRequest({ ...ctx, actor: { kind: 'mailbox', id: check.mailbox.id, email: check.mailbox.email } }, check.mailbox, `api:${row.id}`);
    session = { level: 'mail', id: row.id, mailbox: check.mailbox, scope: verdict.scope };
  }

  await db
    .update(apiSessions)
    .set({ lastUsedAt: now, expiresAt: apiSessionExpiry(row.createdAt, now), ...(row.clientIp !== ctx.clientIp ? { clientIp: ctx.clientIp } : {}) })
    .where(eq(apiSessions.id, row.id));
  return { ok: true, session };
}

/** Ends an unexpired session (`deauth`); false when the token is unknown or already expired. */
export async function endApiSession(token: string, now = new Date()): Promise<boolean> {
  const deleted = await getDb()
    .delete(apiSessions)
    .where(and(eq(apiSessions.tokenHash, hashApiToken(token)), gt(apiSessions.expiresAt, now)))
    .returning({ id: apiSessions.id });
  return deleted.length > 0;
}

export type ApiSignInResult =
  | { ok: true; token: string; level: ApiLevel }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'throttled'; retryAfterMinutes: number }
  | { ok: false; reason: 'password_change_required' };

/**
 * The API's `auth`: an address that belongs to an admin signs in as that admin (level `account`), any
 * other address as a mailbox (level `mail`, subject to its allowlist, `active` and throttling, and refused
 * while a password change is pending). Either path costs one bcrypt comparison, so timing does not tell
 * admins, mailboxes and unknown addresses apart.
 */
// Every `auth` call runs it, a flood of throttled ones included.
const adminByEmail = preparedOnce((db) =>
  prepareAs(
    'api_session_admin_by_email',
    db
      .select({ id: admins.id })
      .from(admins)
      .where(eq(admins.email, sql.placeholder('email'))),
  ),
);

export async function signInToApi(input: { user: string; pass: string; totp?: string; context: AuditContext & { clientIp: string | null } }): Promise<ApiSignInResult> {
  const email = normaliseEmail(input.user);
  if (looksLikeApiKey(input.pass)) {
    // Decided by the key's shape, whatever the address: no bcrypt on this path for anyone.
    const result = await verifyAdminApiKey({ email, key: input.pass, context: input.context });
    if (!result.ok) return result;
    const { admin } = result;
    const token = await createApiSession({ level: 'account', subjectId: admin.id, sessionVersion: admin.sessionVersion, apiKeyId: admin.apiKeyId }, new Date(), input.context);
    return { ok: true, token, level: 'account' };
  }
  const isAdmin = (await adminByEmail().execute({ email })).length > 0;
  if (isAdmin) {
    const result = await verifyAdminSignIn({ email, password: input.pass, context: input.context });
    if (!result.ok) return result;
    const { admin } = result;
    const refuse = async (reason: string): Promise<ApiSignInResult> => {
      await recordAudit(getDb(), input.context, { event: 'admin_login_failed', accountId: admin.accountId, detail: { admin: admin.email, reason } });
      return { ok: false, reason: 'failed' };
    };
    // Spec §14: with two-factor, the password alone is not enough; the code is checked like the web's
    // (same throttle, same replay rule). Without it while the account requires it, only enrolment is open.
    if (admin.enrolmentRequired) return refuse('two_factor_required');
    if (admin.twoFactor) {
      if (!input.totp) return refuse('second_factor_missing');
      const second = await verifySecondFactor({ admin, code: input.totp, context: input.context, accept: 'totp' });
      // The API keeps its one refusal (error code 2) for a used code too: a script has nobody to tell.
      if (!second.ok) return second.reason === 'used' ? { ok: false, reason: 'failed' } : second;
      await completeAdminSignIn(admin, input.context, 'totp');
    }
    const token = await createApiSession({ level: 'account', subjectId: result.admin.id, sessionVersion: result.admin.sessionVersion }, new Date(), input.context);
    return { ok: true, token, level: 'account' };
  }
  const result = await verifyMailboxSignIn({ email, password: input.pass, context: input.context, allowPendingReset: false });
  // `app_password_required` is for mail protocols only; listed so that every refusal maps to one here.
  if (!result.ok) return result.reason === 'app_password_required' ? { ok: false, reason: 'failed' } : result;
  // Mailbox two-factor (spec §20): as for admins, the password alone is not enough; `totp` is checked like
  // the web's code (same throttle, same replay rule), and a missing or used one is the one refusal.
  if (result.secondFactor) {
    const { mailbox } = result;
    if (!input.totp) {
      await recordAudit(getDb(), input.context, { event: 'login_failed', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { reason: 'second_factor_missing' } });
      return { ok: false, reason: 'failed' };
    }
    const second = await verifyMailboxSecondFactor({ mailbox, code: input.totp, context: input.context, accept: 'totp' });
    if (!second.ok) return second.reason === 'used' ? { ok: false, reason: 'failed' } : second;
    await completeMailboxSignIn(mailbox, input.context, 'totp');
  }
  const token = await createApiSession({ level: 'mail', subjectId: result.mailbox.id, sessionVersion: result.mailbox.sessionVersion }, new Date(), input.context);
  return { ok: true, token, level: 'mail' };
}

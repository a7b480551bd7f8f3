import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { accounts, admins, domains, mailboxes } from '@/db/schema';
import { getDb, prepareAs, preparedOnce, transaction } from '@/db';
import { signInSummaryWriter } from '@/lib/sign-in-summaries/service';
import { recordAggregatedAuditGrouped, recordAudit, type AuditContext } from '@/lib/audit';
import { addressAllowed, listSubjectColumns } from '@/lib/session/check';
import { plainListAllows } from '@/lib/net/allowlist';
import { confinementStep, evaluate, type ConfinementRefusal, type SessionFacts } from '@/lib/session/evaluate';
import { WOULD_REFUSE_EVENT } from '@/lib/session/would-refuse';
import type { ListSubject } from '@/lib/netsets/compiled-list';
import { inBcryptLane, verifyPassword } from '@/lib/auth/password';
import { hasMailboxPasskey, hasPasskey } from '@/lib/auth/passkey-presence';
import { mailboxTwoFactorState, mailboxTwoFactorStep, mailNeedsAppPasswordForTwoFactor } from '@/lib/auth/mailbox-two-factor';
import { MAX_EMAIL_CHARS, MAX_PASSWORD_BYTES } from '@/lib/mailboxes/schemas';
import { appPasswordRefusal, appPasswordUseToWrite, mailCredential, recordAppPasswordUse } from '@/lib/app-passwords/sign-in';
import { mailNeedsAppPassword } from '@/lib/app-passwords/policy';
import { beginAttempt, checkProvenAttempt, checkProvenAttemptFrom, isKnownNetwork, provenAttemptColumns, provenAttemptParams, type Attempt, type AttemptRequest } from '@/lib/auth/throttle';

export type SignInFailureReason = 'unknown_mailbox' | 'bad_password' | 'inactive' | 'network_not_allowed' | 'app_password_protocol' | 'app_password_expired' | 'app_password_network';

export interface SignedInMailbox {
  id: number;
  email: string;
  accountId: number;
  sessionVersion: number;
  requireResetPassword: boolean;
  /** TOTP is on (spec §20): the web and the API ask for the second factor before the sign-in is complete. */
  twoFactor: boolean;
  /** The account requires two-factor and this mailbox has none: the web session is confined to enrolment. */
  twoFactorEnrolmentRequired: boolean;
}

/**
 * `failed` covers every credential, network and inactive reason: callers must show one message for all of
 * them. The real reason only goes to the audit log.
 */
export type SignInResult =
  /**
   * `secondFactor`: only the password step is done (spec §20); the caller asks for the second factor.
   * `repeat`: a repeat success only counted in memory by the sign-in summaries (no row, no audit line of its
   * own); a channel may leave it out of its request log, since the summaries and /metrics count it.
   */
  | { ok: true; mailbox: SignedInMailbox; secondFactor?: boolean; repeat?: boolean }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'throttled'; retryAfterMinutes: number }
  | { ok: false; reason: 'password_change_required' }
  /** Mail protocols only: the account password was right, but mail apps must use an app password (two-factor on, or the account's policy; spec §20). */
  | { ok: false; reason: 'app_password_required' };

export interface SignInInput {
  email: string;
  password: string;
  context: AuditContext & { clientIp: string | null };
  /** Web sign-in continues to the interstitial; the API and mail protocols refuse until the change is made. */
  allowPendingReset: boolean;
  /**
   * Replaces the bcrypt comparison (the mail-auth endpoint's short-lived verification cache). The caller
   * receives the row's hash and must not return true unless the password matches it; `active` and
   * `allowNets` let it pay the full comparison where the sign-in will be refused anyway, so that a refusal
   * takes as long as a wrong password.
   */
  verify?: (mailbox: VerifiableRow, password: string) => Promise<boolean>;
  /**
   * Says that the password is already proven right for the row as it is now (the mail-auth
   * verification cache, under the same rules as `verify`). Such an attempt is not a guess: its limits are
   * checked without counting it (checkProvenAttempt), which saves two write transactions per login.
   */
  proven?: (mailbox: VerifiableRow, password: string) => boolean | Promise<boolean>;
}

type VerifiableRow = ListSubject & { id: number; passwordHash: string; updatedAt: Date; active: boolean; allowNetsMode: 'enforce' | 'monitor' };

/**
 * The realm of every sign-in named by an address, whatever the address turns out to be (mailbox, admin,
 * unknown) and whatever the channel (/login, /admin/login, API `auth` with a password or a key, auth_http):
 * the per-subject buckets are the typed address's, so that what was tried before on one channel limits the
 * others alike and throttling never tells an admin from a mailbox (spec §23). Named `mailbox` because the
 * counted rows and known networks of mailboxes already carry that name.
 */
export const SIGN_IN_REALM = 'mailbox';
/** The per-address and per-site buckets of every sign-in (shared by all realms that a caller cannot tell apart). */
export const SIGN_IN_ADDRESS_REALM = 'sign-in';

/** The throttle request of a sign-in of `email` from `address`: the same for every kind of address and channel. */
export function signInThrottle(email: string, address: string | null): AttemptRequest {
  return { realm: SIGN_IN_REALM, subject: email, address, addressRealm: SIGN_IN_ADDRESS_REALM };
}

/**
 * An attempt admitted to the password check, and whether it was admitted only past the per-address caps
 * (`held`): then anything but a correct sign-in is answered as the refusal those caps gave (`held`), so that
 * the exemption shows nothing to a guesser.
 */
export interface Admission {
  attempt: Attempt;
  held: { retryAfterMinutes: number; bucket: string } | null;
}

/**
 * An office is not an attacker (spec §23; docs/abuse-resistance.md "An office behind one address"). When only
 * the per-address caps refuse an attempt (`addressOnly`), and the (subject, address) pair is one the subject
 * signed in from before (a known network) or one its own list admits (`listAdmits`, asked only then), the
 * attempt is counted again past those caps (`spareAddressCaps`): the per-subject caps still apply, and the
 * caller checks the password and answers anything but a success with `held`, the refusal it would have had.
 * `proven` attempts (the password is already known right) are only checked against the limits.
 * Every kind of address runs the same steps: the known network and the list are looked up for all of them.
 */
export async function admitPastAddressCaps(
  request: AttemptRequest,
  first: Attempt,
  listAdmits: () => boolean | Promise<boolean>,
  proven = false,
): Promise<Admission> {
  if (!first.limited || !first.addressOnly) return { attempt: first, held: null };
  const now = Date.now();
  const known = await isKnownNetwork(request, now);
  if (!known && !(await listAdmits())) return { attempt: first, held: null };
  const spared = { ...request, spareAddressCaps: true, now };
  if (proven) return { attempt: await checkProvenAttempt(spared), held: null };
  const attempt = await beginAttempt(spared);
  return { attempt, held: attempt.limited ? null : { retryAfterMinutes: first.retryAfterMinutes, bucket: first.bucket } };
}

/** Whether a list of the subject's own (not "anywhere") admits the address: one half of the office rule. */
function ownListAdmits(row: ListSubject | undefined, address: string | null): boolean | Promise<boolean> {
  return row !== undefined && row.restricted && addressAllowed(row, address);
}

const signInColumns = {
  id: mailboxes.id,
  email: mailboxes.email,
  passwordHash: mailboxes.passwordHash,
  active: mailboxes.active,
  ...listSubjectColumns,
  requireResetPassword: mailboxes.requireResetPassword,
  sessionVersion: mailboxes.sessionVersion,
  updatedAt: mailboxes.updatedAt,
  requireAppPasswords: accounts.requireAppPasswords,
  // Mailbox two-factor (spec §20).
  totpEnabledAt: mailboxes.totpEnabledAt,
  hasPasskey: hasMailboxPasskey,
  requireMailboxTwoFactor: accounts.requireMailboxTwoFactor,
};

// Run on every mailbox sign-in (mail clients reconnect all day).
const prepared = preparedOnce((db) => ({
  mailboxByEmail: prepareAs(
    'sign_in_mailboxByEmail',
    db
      .select(signInColumns)
      .from(mailboxes)
      .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
      .where(eq(mailboxes.email, sql.placeholder('email'))),
  ),
  // A sign-in that may be proven (the mail-auth cache): the row and the throttle state of the attempt in one
  // read (checkProvenAttemptFrom), instead of the row, the known network and the bucket windows in three.
  provenMailboxByEmail: prepareAs(
    'sign_in_provenMailboxByEmail',
    db
      .select({ ...signInColumns, ...provenAttemptColumns })
      .from(mailboxes)
      .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
      .where(eq(mailboxes.email, sql.placeholder('email'))),
  ),
  accountOfDomain: prepareAs('sign_in_accountOfDomain', db.select({ accountId: domains.accountId }).from(domains).where(eq(domains.name, sql.placeholder('domain')))),
}));

/** A mailbox row as sign-in reads it. */
type SignInRow = Awaited<ReturnType<ReturnType<typeof prepared>['mailboxByEmail']['execute']>>[number];

/**
 * The bcrypt queue lane of a sign-in: the business account that hosts the typed address's domain (the
 * lane its admins' password hashing uses too), else the domain itself. It depends only on the domain, never
 * on whether the mailbox exists, so queueing reveals nothing a DNS lookup would not; and one account's
 * burst (a password batch plus a botnet's guesses from many addresses) waits in one lane behind itself.
 */
async function signInLane(email: string): Promise<string> {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const [hosted] = await prepared().accountOfDomain.execute({ domain });
  return hosted ? `account:${hosted.accountId}` : `domain:${domain}`;
}

/**
 * Spec §12's door limits for a sign-in: email 320 characters, password 1,024 bytes. Beyond them nothing is
 * looked up, counted or hashed: the caller gets the generic failure (it can tell it sent too much anyway).
 */
function oversized(email: string, password: string): boolean {
  return email.length > MAX_EMAIL_CHARS || password.length > MAX_PASSWORD_BYTES || Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES;
}

/** Normalises a typed address the way mailboxes are stored. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Verifies a mailbox sign-in for every protocol: throttle, lookup, password (dummy hash for unknown
 * mailboxes, so timing does not reveal existence), active, allowlist against the client address.
 */
export async function verifyMailboxSignIn(input: SignInInput): Promise<SignInResult> {
  if (oversized(input.email, input.password)) return { ok: false, reason: 'failed' };
  const email = normaliseEmail(input.email);
  const address = input.context.clientIp;
  const db = getDb();

  const throttle = signInThrottle(email, address);
  const now = Date.now();
  // A password already proven right (a forced change pending takes the full path: it is rare, and refused).
  // The row comes with the attempt's throttle state, read in the same statement.
  // (On the warm path the answers below are usually at hand, not promises: only a promise is awaited, since
  // every await costs one, and the async-context hooks with it.)
  const [provenRow] = input.proven ? await prepared().provenMailboxByEmail.execute({ email, ...provenAttemptParams(throttle, now) }) : [];
  // APP PASSWORDS (spec §20; lib/app-passwords/sign-in.ts): on the mail protocols a typed app password is the
  // credential checked instead of the account password, proven by the cache like it (when usable here).
  const provenApp = input.proven ? await mailCredential(provenRow?.id, input.password, input.context.protocol) : undefined;
  const provenAnswer =
    provenRow !== undefined &&
    !provenRow.requireResetPassword &&
    (provenApp
      ? appPasswordRefusal(provenApp, input.context.protocol, address, now) === null && input.proven!({ ...provenRow, passwordHash: provenApp.passwordHash }, provenApp.canonical)
      : input.proven!(provenRow, input.password));
  const proven = provenAnswer instanceof Promise ? await provenAnswer : provenAnswer;

  // Counted before the password is checked, so concurrent guesses cannot outrun the limit; a proven password
  // is no guess, and is only checked against the limits.
  const pendingAttempt = proven && provenRow ? checkProvenAttemptFrom(throttle, provenRow, now) : beginAttempt(throttle);
  const first = pendingAttempt instanceof Promise ? await pendingAttempt : pendingAttempt;
  // Read once: for the office rule when the per-address caps refuse, else after the attempt is counted.
  let looked: { row: SignInRow | undefined } | null = proven ? { row: provenRow } : null;
  const lookup = async () => (looked ??= { row: (await prepared().mailboxByEmail.execute({ email }))[0] }).row;
  const { attempt, held } = first.limited ? await admitPastAddressCaps(throttle, first, async () => ownListAdmits(await lookup(), address), proven) : { attempt: first, held: null };
  if (attempt.limited) {
    await recordAggregatedAuditGrouped(input.context, { event: 'login_failed', mailboxEmail: email, detail: { reason: 'throttled' } }, attempt.bucket);
    return { ok: false, reason: 'throttled', retryAfterMinutes: attempt.retryAfterMinutes };
  }

  const row = looked ? looked.row : await lookup();

  // APP PASSWORDS: the credential compared is the typed app password's row, if any (read above when the caller
  // can prove passwords); still exactly one comparison. One that will be refused for its own reasons pays the
  // full bcrypt (never the cache), like every other refusal.
  const app = provenApp !== undefined ? provenApp : await mailCredential(row?.id, input.password, input.context.protocol);
  const appRefusal = app ? appPasswordRefusal(app, input.context.protocol, address) : null;
  const compare = (): Promise<boolean> =>
    app
      ? row && input.verify && !appRefusal ? input.verify({ ...row, passwordHash: app.passwordHash }, app.canonical) : verifyPassword(app.canonical, app.passwordHash)
      : row && input.verify ? input.verify(row, input.password) : verifyPassword(input.password, row?.passwordHash);
  const passwordOk = proven || (await inBcryptLane(await signInLane(email), compare));

  let reason: SignInFailureReason | null = null;
  let wouldRefuse = false;
  const allowed = row && passwordOk && row.active ? addressAllowed(row, address) : false;
  if (!row) reason = 'unknown_mailbox';
  else if (!passwordOk) reason = 'bad_password';
  else if (!row.active) reason = 'inactive';
  else if (!(allowed instanceof Promise ? await allowed : allowed)) {
    // Monitor mode: the list is evaluated and the refusal audited, but not enforced (spec §15).
    if (row.allowNetsMode === 'monitor') wouldRefuse = true;
    else reason = 'network_not_allowed';
  }
  if (!reason && appRefusal) reason = appRefusal;

  if (reason || !row) {
    // The attempt stays counted.
    await recordAudit(db, input.context, {
      event: 'login_failed',
      accountId: row?.accountId ?? null,
      mailboxId: row?.id ?? null,
      mailboxEmail: email,
      detail: { reason: reason ?? 'unknown_mailbox', ...(held ? { pastAddressCap: true } : {}) },
    });
    // Admitted past the per-address caps only for a correct sign-in: otherwise their refusal stands.
    if (held) return { ok: false, reason: 'throttled', retryAfterMinutes: held.retryAfterMinutes };
    return { ok: false, reason: 'failed' };
  }

  const audit = { accountId: row.accountId, mailboxId: row.id, mailboxEmail: row.email };
  // The password was right: not a guess, whatever follows. (A proven attempt's bookkeeping joins the
  // login's group commit below; it cannot have a pending forced change.)
  if (!proven) await attempt.succeeded();
  // APP PASSWORDS: the account password is refused on the mail protocols where mail apps must use one (the
  // message may say so: the password was right). An app password is not the account password, so a pending
  // change of the latter does not refuse it.
  if (!app && input.context.protocol && input.context.protocol !== 'web' && input.context.protocol !== 'api' && (mailNeedsAppPassword(row, row) || mailNeedsAppPasswordForTwoFactor(mailboxTwoFactorState(row)))) {
    if (proven) await attempt.succeeded();
    await recordAudit(db, input.context, { ...audit, event: 'login_failed', detail: { reason: 'app_password_required' } });
    return { ok: false, reason: 'app_password_required' };
  }
  // The gate's confinements (lib/session/evaluate.ts), in its order: the web continues to the step's page;
  // channels without pages (API, auth_http) refuse until it is resolved in the browser. They confine the
  // account password's holder, not a mail app with an app password of its own.
  const confined = input.allowPendingReset || app ? null : signInConfinement(signedIn(row));
  if (confined) {
    await recordAudit(db, input.context, { ...audit, event: 'login_failed', detail: { reason: confined } });
    if (wouldRefuse) await recordAudit(db, input.context, { ...audit, event: WOULD_REFUSE_EVENT, detail: { reason: 'network_not_allowed', kind: 'sign_in' } });
    return { ok: false, reason: SIGN_IN_CONFINED[confined] };
  }

  // ---- Mailbox two-factor (spec §20; lib/auth/mailbox-two-factor.ts): one marked step. A mail app with an
  // app password of its own has passed its own check; the mail refusal is made above. ----
  const twoFactorStep = app ? null : mailboxTwoFactorStep(mailboxTwoFactorState(row), input.context.protocol);
  if (twoFactorStep !== null) return await mailboxTwoFactorSignInStep(twoFactorStep, row, input.context, wouldRefuse);
  // ---- end of the mailbox two-factor step ----

  const loginDetail = row.requireResetPassword || wouldRefuse ? { ...(row.requireResetPassword ? { passwordChangeRequired: true } : {}), ...(wouldRefuse ? { wouldRefuse: true } : {}) } : undefined;
  // A proven attempt's bookkeeping: in memory only when it has nothing to write (done at once).
  if (proven) {
    if (attempt.writes) await attempt.succeeded();
    else void attempt.succeeded();
  }
  if (wouldRefuse) await recordAudit(db, input.context, { ...audit, event: WOULD_REFUSE_EVENT, detail: { reason: 'network_not_allowed', kind: 'sign_in' } });
  // APP PASSWORDS: last use (at most once a minute per address and protocol) and its first use from an address.
  if (app && appPasswordUseToWrite(app, address, input.context.protocol)) await transaction((tx) => recordAppPasswordUse(tx, app, row, input.context));
  // Spec §19: a repeat success is counted, not logged (lib/sign-in-summaries); the first from an address (and
  // one with a detail) is committed with its audit row before the login is answered.
  const credential = app ? `app:${app.id}` : 'password';
  const auditFacts = app ? { app_password_id: app.id, app_password: app.label } : undefined;
  const counted = signInSummaryWriter.record(input.context, { ...audit, protocol: input.context.protocol ?? 'web', credential, clientIp: address, auditFacts }, loginDetail); // sign-in summaries
  if (counted) await counted;
  return counted ? { ok: true, mailbox: signedIn(row) } : { ok: true, mailbox: signedIn(row), repeat: true };
}

/**
 * A confinement met at a sign-in that has no pages, by its refusal (lib/session/evaluate.ts), as the
 * sign-in's result; each channel then words it (lib/mail-auth/response.ts, lib/rpc/methods/auth.ts).
 */
const SIGN_IN_CONFINED: Record<ConfinementRefusal, 'password_change_required' | 'failed'> = {
  second_factor_pending: 'failed',
  password_change_required: 'password_change_required',
  two_factor_required: 'failed',
};

/** The refusal of the first confinement that applies to a freshly signed-in mailbox, if any. */
function signInConfinement(row: SignedInMailbox): ConfinementRefusal | null {
  const facts: SessionFacts = { kind: 'mailbox', accountId: row.accountId, ended: null, pendingSecondFactor: false, mustChangePassword: row.requireResetPassword, mustEnrol: false, monitored: false };
  const verdict = evaluate(facts, { at: null });
  return verdict.kind === 'confined' ? confinementStep(verdict.step).refusal : null;
}

function signedIn(row: Omit<SignedInMailbox, 'twoFactor' | 'twoFactorEnrolmentRequired'> & Parameters<typeof mailboxTwoFactorState>[0]): SignedInMailbox {
  return { id: row.id, email: row.email, accountId: row.accountId, sessionVersion: row.sessionVersion, requireResetPassword: row.requireResetPassword, ...mailboxTwoFactorState(row) };
}

/**
 * The outcome of a correct account password that mailbox two-factor stops (spec §20): on a mail protocol a
 * refusal that says an app password is needed; on the web and the API the password step is recorded
 * (`password_accepted`) and the sign-in waits for its second factor (completeMailboxSignIn records it);
 * the API refuses a mailbox that must enrol first (one generic failure, as for admins).
 */
async function mailboxTwoFactorSignInStep(step: NonNullable<ReturnType<typeof mailboxTwoFactorStep>>, row: SignInRow, context: AuditContext, wouldRefuse: boolean): Promise<SignInResult> {
  const audit = { accountId: row.accountId, mailboxId: row.id, mailboxEmail: row.email };
  const db = getDb();
  if (wouldRefuse) await recordAudit(db, context, { ...audit, event: WOULD_REFUSE_EVENT, detail: { reason: 'network_not_allowed', kind: 'sign_in' } });
  if (step === 'app_password_required') {
    await recordAudit(db, context, { ...audit, event: 'login_failed', detail: { reason: 'app_password_required' } });
    return { ok: false, reason: 'app_password_required' };
  }
  if (step === 'enrolment_required') {
    await recordAudit(db, context, { ...audit, event: 'login_failed', detail: { reason: 'two_factor_enrolment_required' } });
    return { ok: false, reason: 'failed' };
  }
  await recordAudit(db, context, { ...audit, event: 'password_accepted' });
  return { ok: true, mailbox: signedIn(row), secondFactor: true };
}

/**
 * Records a mailbox sign-in completed by its second factor (web /login/verify, the API's `auth {…, totp}`):
 * counted in the sign-in summaries like every success (the impact preview, suggestions and charts read
 * them), with its own `login_succeeded` row naming the method (a detail: written every time), and the last
 * sign-in time and address, all committed before the answer.
 */
export async function completeMailboxSignIn(mailbox: { id: number; email: string; accountId: number }, context: AuditContext & { clientIp: string | null }, method: 'totp' | 'recovery_code' | 'passkey'): Promise<void> {
  await signInSummaryWriter.record(context, { accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, protocol: context.protocol ?? 'web', credential: 'password', clientIp: context.clientIp }, { method });
}

export interface SignedInAdmin {
  id: number;
  email: string;
  accountId: number;
  sessionVersion: number;
  mustChangePassword: boolean;
  /** TOTP is enabled: the password step alone does not sign in (the caller asks for the second factor). */
  twoFactor: boolean;
  /** The account requires two-factor and the admin has none: only enrolment is open to them. */
  enrolmentRequired: boolean;
}

export type AdminSignInResult =
  | { ok: true; admin: SignedInAdmin }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'throttled'; retryAfterMinutes: number };

/**
 * Verifies a business admin's sign-in (web /admin/login and the API's account-level `auth`): same
 * throttling, dummy-hash timing and generic failure as mailboxes; audited as admin_login_*.
 */
export async function verifyAdminSignIn(input: { email: string; password: string; context: AuditContext & { clientIp: string | null } }): Promise<AdminSignInResult> {
  if (oversized(input.email, input.password)) return { ok: false, reason: 'failed' };
  const email = normaliseEmail(input.email);
  const address = input.context.clientIp;
  const db = getDb();
  const throttle = signInThrottle(email, address);
  const first = await beginAttempt(throttle);
  // The same steps as verifyMailboxSignIn: the row is read for the office rule or after the attempt is counted.
  let looked: { row: Awaited<ReturnType<typeof adminRow>> } | null = null;
  const lookup = async () => (looked ??= { row: await adminRow(email) }).row;
  // An admin's own list is plain networks (no sets): "no list" admits anywhere and so does not count here.
  const listAdmits = async () => {
    const own = await lookup();
    return own !== undefined && own.allowNets !== null && plainListAllows(own.allowNets, address);
  };
  const { attempt, held } = first.limited ? await admitPastAddressCaps(throttle, first, listAdmits) : { attempt: first, held: null };
  if (attempt.limited) {
    await recordAggregatedAuditGrouped(input.context, { event: 'admin_login_failed', detail: { admin: email, reason: 'throttled' } }, attempt.bucket);
    return { ok: false, reason: 'throttled', retryAfterMinutes: attempt.retryAfterMinutes };
  }
  const row = await lookup();
  const passwordOk = await inBcryptLane(await signInLane(email), () => verifyPassword(input.password, row?.passwordHash));
  let reason: string | null = null;
  if (!row) reason = 'unknown_admin';
  else if (!passwordOk) reason = 'bad_password';
  else if (!row.active) reason = 'inactive';
  else if (!plainListAllows(row.allowNets, address)) reason = 'network_not_allowed';
  if (reason || !row) {
    // The attempt stays counted.
    await recordAudit(db, input.context, { event: 'admin_login_failed', accountId: row?.accountId ?? null, detail: { admin: email, reason, ...(held ? { pastAddressCap: true } : {}) } });
    // As for mailboxes: past the per-address caps only for a correct sign-in.
    if (held) return { ok: false, reason: 'throttled', retryAfterMinutes: held.retryAfterMinutes };
    return { ok: false, reason: 'failed' };
  }
  await attempt.succeeded();
  const admin: SignedInAdmin = {
    id: row.id,
    email: row.email,
    accountId: row.accountId,
    sessionVersion: row.sessionVersion,
    mustChangePassword: row.mustChangePassword,
    twoFactor: row.totpEnabledAt !== null || row.hasPasskey,
    enrolmentRequired: row.requireTwoFactor && row.totpEnabledAt === null && !row.hasPasskey,
  };
  if (admin.twoFactor) {
    // Not signed in yet: the second step decides (completeAdminSignIn records the sign-in).
    await recordAudit(db, input.context, { event: 'admin_password_accepted', accountId: row.accountId, detail: { admin: row.email } });
  } else {
    await completeAdminSignIn(admin, input.context);
  }
  return { ok: true, admin };
}

/** The admin row a sign-in needs. */
async function adminRow(email: string) {
  const [row] = await getDb()
    .select({
      id: admins.id,
      email: admins.email,
      accountId: admins.accountId,
      passwordHash: admins.passwordHash,
      sessionVersion: admins.sessionVersion,
      active: admins.active,
      allowNets: admins.allowNets,
      mustChangePassword: admins.mustChangePassword,
      totpEnabledAt: admins.totpEnabledAt,
      hasPasskey,
      requireTwoFactor: accounts.requireTwoFactor,
    })
    .from(admins)
    .innerJoin(accounts, eq(accounts.id, admins.accountId))
    .where(eq(admins.email, email))
    .limit(1);
  return row;
}

/**
 * Records a completed admin sign-in (last sign-in time and address, audit): right after the password for
 * an admin without two-factor, after the second step otherwise (`method` names it).
 */
export async function completeAdminSignIn(
  admin: { id: number; email: string; accountId: number },
  context: AuditContext & { clientIp: string | null },
  method?: 'totp' | 'recovery_code' | 'passkey' | 'api_key',
): Promise<void> {
  await transaction(async (tx) => {
    await tx.update(admins).set({ lastLoginAt: new Date(), lastLoginIp: context.clientIp }).where(eq(admins.id, admin.id));
    await recordAudit(tx, context, { event: 'admin_login_succeeded', accountId: admin.accountId, detail: { admin: admin.email, ...(method ? { method } : {}) } });
  });
}

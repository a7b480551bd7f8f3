// The PostgreSQL schema: db/schema.ts table by table, with the same table, column and index names and the
// same value representation (docs/database.md): integer ids, timestamps as bigint milliseconds, booleans as
// integer 0/1, JSON as text. drizzle-kit generates db/migrations-pg from it (drizzle.pg.config.ts); at run
// time the app queries PostgreSQL with the tables of db/schema.ts (one set of types for the domain code),
// which bind and read exactly these representations. db/schema.test.ts checks that both schemas agree.
import { sql } from 'drizzle-orm';
import { check, customType, index, integer as pgInteger, pgTable, text as pgText, uniqueIndex } from 'drizzle-orm/pg-core';
import type { EntryMeta } from './schema';
import type { ActorKind, AllowNetsMode, Protocol } from './schema';

export type { ActorKind, AllowNetsMode, Protocol };

/** Milliseconds since the epoch in a bigint, read as Date (SQLite: integer timestamp_ms). */
const timestampMs = customType<{ data: Date; driverData: number | string }>({
  dataType: () => 'bigint',
  toDriver: (value) => value.getTime(),
  fromDriver: (value) => new Date(Number(value)),
});
/** 0/1 in an integer, read as boolean (SQLite: integer boolean), so `= 1` in raw SQL agrees with `eq(col, true)`. */
const booleanInt = customType<{ data: boolean; driverData: number }>({
  dataType: () => 'integer',
  toDriver: (value) => (value ? 1 : 0),
  fromDriver: (value) => Number(value) === 1,
});
/** JSON kept as text (SQLite: text json), so raw SQL reads the same text on both engines. */
const jsonText = <T>() =>
  customType<{ data: T; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => JSON.parse(value) as T,
  });

const timestamp = (name: string) => timestampMs(name);
const now = sql`((extract(epoch from clock_timestamp()) * 1000)::bigint)`;
const id = () => pgInteger('id').primaryKey().generatedByDefaultAsIdentity();
const createdAt = () => timestamp('created_at').notNull().default(now);
const updatedAt = () => timestamp('updated_at').notNull().default(now);

/** A business customer. Owns domains and admins; every admin query is scoped to one account. */
export const accounts = pgTable('accounts', {
  id: id(),
  name: pgText('name').notNull().unique(),
  // Bumped with every change to one of the account's network sets, in the same transaction: the compiled
  // lists of the account's mailboxes are keyed by it (lib/netsets/compiled-list.ts), so a set change
  // reaches every mailbox that references it at its next request, on every instance.
  netSetsVersion: pgInteger('net_sets_version').notNull().default(0),
  // "Require two-factor for every admin of this account" (spec §14): an admin without it is confined to
  // enrolment right after the password step.
  requireTwoFactor: booleanInt('require_two_factor').notNull().default(sql`0`),
  // "Passwords expire after N days" (spec §21 routine check): NULL = off. The password_expiry job sets the
  // forced-change flag of a mailbox whose password is older (lib/jobs/password-expiry.ts).
  passwordMaxAgeDays: pgInteger('password_max_age_days'),
  // "Mail apps must use app passwords" (spec §20).
  requireAppPasswords: booleanInt('require_app_passwords').notNull().default(sql`0`),
  // "Require two-factor for mailboxes" (spec §20): a mailbox without it is confined to enrolment at its next
  // web sign-in (lib/mailboxes/two-factor.ts). Mail apps are not affected until the mailbox has two-factor.
  requireMailboxTwoFactor: booleanInt('require_mailbox_two_factor').notNull().default(sql`0`),
  createdAt: createdAt(),
});

export const domains = pgTable(
  'domains',
  {
    id: id(),
    accountId: pgInteger('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: pgText('name').notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index('domains_account_idx').on(t.accountId)],
);

export const admins = pgTable(
  'admins',
  {
    id: id(),
    accountId: pgInteger('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    email: pgText('email').notNull().unique(),
    passwordHash: pgText('password_hash').notNull(),
    sessionVersion: pgInteger('session_version').notNull().default(1),
    // Deactivated admins cannot sign in; the gate ends their open sessions (spec §14).
    active: booleanInt('active').notNull().default(sql`1`),
    // Canonical list like mailboxes.allow_nets: governs web sign-in, every admin request and account-level API.
    allowNets: pgText('allow_nets'),
    // Set for an admin added with an initial password: the first sign-in must choose a new one.
    mustChangePassword: booleanInt('must_change_password').notNull().default(sql`0`),
    // TOTP (lib/admins/two-factor.ts): the secret is AES-256-GCM encrypted under a key derived from
    // AUTH_SECRET, so a copy of the database alone yields no codes. `totp_pending_secret` is the secret being
    // set up (shown as QR code and text) until a correct code confirms it; `totp_enabled_at` marks it live.
    totpSecret: pgText('totp_secret'),
    totpPendingSecret: pgText('totp_pending_secret'),
    totpEnabledAt: timestamp('totp_enabled_at'),
    // The last TOTP time step accepted (unix time / 30 s): a code of that step or an earlier one is refused,
    // so a used code cannot be replayed. Advanced with one conditional UPDATE (atomic).
    totpLastStep: pgInteger('totp_last_step'),
    lastLoginAt: timestamp('last_login_at'),
    lastLoginIp: pgText('last_login_ip'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('admins_account_idx').on(t.accountId)],
);

export const mailboxes = pgTable(
  'mailboxes',
  {
    id: id(),
    // Denormalised from the domain so that every admin query can be scoped by account with one index.
    accountId: pgInteger('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    domainId: pgInteger('domain_id')
      .notNull()
      .references(() => domains.id, { onDelete: 'cascade' }),
    email: pgText('email').notNull(),
    passwordHash: pgText('password_hash').notNull(),
    // Canonical list (lib/net/allowlist); NULL means unrestricted. Never an empty string.
    allowNets: pgText('allow_nets'),
    // Labels and expiry of allow_nets entries, by canonical entry text (lib/net/allowlist-entries.ts).
    allowNetsMeta: jsonText<EntryMeta>()('allow_nets_meta'),
    // `monitor`: the list is evaluated and refusals are audited as would_refuse, but not enforced.
    allowNetsMode: pgText('allow_nets_mode').$type<AllowNetsMode>().notNull().default('enforce'),
    // The list's fingerprint: bumped by a trigger (migration allow_nets_version_trigger) whenever allow_nets,
    // allow_nets_meta or allow_nets_mode changes, whatever the statement, so no write path can forget it. The
    // gate reads this number, not the list, and reads the list only for a version its process has not compiled.
    allowNetsVersion: pgInteger('allow_nets_version').notNull().default(0),
    requireResetPassword: booleanInt('require_reset_password').notNull().default(sql`0`),
    active: booleanInt('active').notNull().default(sql`1`),
    memo: pgText('memo').notNull().default(''),
    // Bumped to end every open session of the mailbox at its next request.
    sessionVersion: pgInteger('session_version').notNull().default(1),
    passwordChangedAt: timestamp('password_changed_at'),
    // TOTP of the mailbox user (spec §20), the same columns and rules as admins.totp_*: the secret sealed under
    // AUTH_SECRET, the pending one until a correct code confirms it, the last accepted step against replay.
    totpSecret: pgText('totp_secret'),
    totpPendingSecret: pgText('totp_pending_secret'),
    totpEnabledAt: timestamp('totp_enabled_at'),
    totpLastStep: pgInteger('totp_last_step'),
    lastLoginAt: timestamp('last_login_at'),
    lastLoginIp: pgText('last_login_ip'),
    notifyNewNetwork: booleanInt('notify_new_network').notNull().default(sql`0`),
    // The language the user last chose (the switch) or signed in with on the web: their own notices are written in it.
    language: pgText('language').$type<'en' | 'de'>().notNull().default('en'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('mailboxes_email_idx').on(t.email),
    index('mailboxes_account_email_idx').on(t.accountId, t.email),
    index('mailboxes_domain_idx').on(t.domainId),
    // The admin list (bench/admin-list.ts): sorted by last sign-in, it reads this index in order; with email
    // and domain_id in it, the list's count and address search are answered from the index alone.
    index('mailboxes_account_last_login_idx').on(t.accountId, t.lastLoginAt, t.email, t.domainId),
  ],
);


/** A named network set of an account (spec §15), referenced from mailbox lists as `@name`. */
export const netSets = pgTable(
  'net_sets',
  {
    id: id(),
    accountId: pgInteger('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: pgText('name').notNull(),
    description: pgText('description').notNull().default(''),
    // Canonical list of networks (no @name: sets do not nest); '' for a set with no entries yet.
    allowNets: pgText('allow_nets').notNull().default(''),
    allowNetsMeta: jsonText<EntryMeta>()('allow_nets_meta'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('net_sets_account_name_idx').on(t.accountId, t.name)],
);


/**
 * Successful sign-ins counted, not logged one by one (spec §19): one row per mailbox, protocol, credential
 * ('password', or 'app:<id>' for an app password) and client address ('' when unknown). Written by
 * lib/sign-in-summaries: inserted (with its audit row) at the first success, then increments flushed at most
 * once a minute (`count = count + n`), so several instances add up. No foreign key, like the audit trail:
 * retention prunes it by `last_seen`.
 */
export const signInSummaries = pgTable(
  'sign_in_summaries',
  {
    id: id(),
    accountId: pgInteger('account_id').notNull(),
    mailboxId: pgInteger('mailbox_id').notNull(),
    protocol: pgText('protocol').$type<Protocol>().notNull(),
    credential: pgText('credential').notNull(),
    clientIp: pgText('client_ip').notNull(),
    firstSeen: timestamp('first_seen').notNull(),
    lastSeen: timestamp('last_seen').notNull(),
    count: pgInteger('count').notNull().default(1),
    // When the last `login_succeeded` audit row of this key was written: another one after 24 h without one.
    auditedAt: timestamp('audited_at').notNull(),
  },
  (t) => [
    uniqueIndex('sign_in_summaries_key_idx').on(t.mailboxId, t.protocol, t.credential, t.clientIp),
    // The sign-in history of a mailbox and the account's overview, newest first; retention by age.
    index('sign_in_summaries_mailbox_last_seen_idx').on(t.mailboxId, t.lastSeen),
    index('sign_in_summaries_account_last_seen_idx').on(t.accountId, t.lastSeen),
    index('sign_in_summaries_last_seen_idx').on(t.lastSeen),
  ],
);

/**
 * Successful sign-ins per mailbox and UTC day (the overview's and the mailbox page's chart), added to with the
 * same increments as sign_in_summaries (`count = count + n`). Refusals stay in the audit trail.
 */
export const signInDays = pgTable(
  'sign_in_days',
  {
    accountId: pgInteger('account_id').notNull(),
    mailboxId: pgInteger('mailbox_id').notNull(),
    // YYYY-MM-DD (UTC).
    day: pgText('day').notNull(),
    count: pgInteger('count').notNull().default(0),
  },
  (t) => [uniqueIndex('sign_in_days_mailbox_day_idx').on(t.mailboxId, t.day), index('sign_in_days_account_day_idx').on(t.accountId, t.day)],
);

/** Append-only: nothing in the code updates or deletes audit rows. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: id(),
    at: timestamp('at').notNull(),
    accountId: pgInteger('account_id'),
    actorKind: pgText('actor_kind').$type<ActorKind>().notNull(),
    actorId: pgInteger('actor_id'),
    actorEmail: pgText('actor_email'),
    // No foreign key: the trail must outlive a deleted mailbox.
    mailboxId: pgInteger('mailbox_id'),
    mailboxEmail: pgText('mailbox_email'),
    event: pgText('event').notNull(),
    clientIp: pgText('client_ip'),
    userAgent: pgText('user_agent'),
    protocol: pgText('protocol').$type<Protocol>(),
    detail: jsonText<Record<string, unknown>>()('detail'),
    // Refusals that cost the caller nothing (throttled attempts, an ended session's repeated requests) are
    // aggregated: one row per key and window (lib/audit.ts recordAggregatedAudit), counted here.
    aggregateKey: pgText('aggregate_key'),
    count: pgInteger('count').notNull().default(1),
    lastAt: timestamp('last_at'),
  },
  (t) => [
    index('audit_mailbox_at_idx').on(t.mailboxId, t.at),
    index('audit_account_at_idx').on(t.accountId, t.at),
    // The audit page and `audit list` filtered by one mailbox's address (spec §19: answered from the index at
    // 5,000,000 rows; bench/audit-scale.ts).
    // With the account second, the admin's page (account and address equal, newest first) reads it in order.
    index('audit_mailbox_email_at_idx').on(t.mailboxEmail, t.accountId, t.at),
    // NULLs are distinct in a SQLite unique index, so only aggregated rows are constrained.
    uniqueIndex('audit_aggregate_key_idx').on(t.aggregateKey),
    // AUDIT_RETENTION_DAYS pruning deletes by age.
    index('audit_at_idx').on(t.at),
  ],
);

export const apiSessions = pgTable(
  'api_sessions',
  {
    id: id(),
    tokenHash: pgText('token_hash').notNull().unique(),
    level: pgText('level').$type<'account' | 'mail'>().notNull(),
    // admins.id for level "account", mailboxes.id for level "mail".
    subjectId: pgInteger('subject_id').notNull(),
    sessionVersion: pgInteger('session_version').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at').notNull(),
    // Sliding: 20 minutes after the last use, but never past created_at + 12 hours (spec §13).
    expiresAt: timestamp('expires_at').notNull(),
    // Shown on "Where you're signed in"; the address is the one of the latest use.
    clientIp: pgText('client_ip'),
    userAgent: pgText('user_agent'),
    // admin_api_keys.id when the session was opened with an API key: every use re-checks the key (revoked,
    // expired, its allowed networks). No foreign key: revoking deletes these sessions in the same call.
    apiKeyId: pgInteger('api_key_id'),
  },
  (t) => [index('api_sessions_expires_idx').on(t.expiresAt), index('api_sessions_subject_idx').on(t.level, t.subjectId)],
);

/**
 * Browser sessions (spec §13): the session JWT carries a random id whose SHA-256 is `sid_hash`; the gate
 * requires the row on every request, so deleting it (sign-out, "end all sessions") ends the session at once
 * even if the cookie was copied.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: id(),
    sidHash: pgText('sid_hash').notNull().unique(),
    kind: pgText('kind').$type<'mailbox' | 'admin'>().notNull(),
    // mailboxes.id or admins.id; no foreign key (two parent tables), rows go with the subject's sessions.
    subjectId: pgInteger('subject_id').notNull(),
    // The subject's session_version when the session began: a bumped version hides and refuses it.
    sessionVersion: pgInteger('session_version').notNull(),
    startedAt: timestamp('started_at').notNull(),
    // Written at most once a minute (lib/session/row.ts), so idle expiry is exact to that minute.
    lastActiveAt: timestamp('last_active_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    startIp: pgText('start_ip'),
    lastIp: pgText('last_ip'),
    userAgent: pgText('user_agent'),
    // 'second_factor': an admin who passed the password step of a two-factor sign-in; the gate admits it to
    // /admin/login/verify only. NULL: a full session.
    pending: pgText('pending').$type<'second_factor'>(),
    // When the admin last proved their password (and second factor, where on) in this session: the sign-in
    // itself, or the "Confirm your password" form. Sensitive steps require it within the last 5 minutes
    // (lib/admins/reauth.ts). NULL: never (a pending sign-in, or a mailbox session).
    reauthenticatedAt: timestamp('reauthenticated_at'),
  },
  (t) => [index('web_sessions_subject_idx').on(t.kind, t.subjectId), index('web_sessions_expires_idx').on(t.expiresAt)],
);

/** An admin's single-use recovery codes (spec §14): HMAC-SHA-256 under a key derived from AUTH_SECRET. */
export const adminRecoveryCodes = pgTable(
  'admin_recovery_codes',
  {
    id: id(),
    adminId: pgInteger('admin_id')
      .notNull()
      .references(() => admins.id, { onDelete: 'cascade' }),
    codeHash: pgText('code_hash').notNull(),
    // Set once, by the conditional UPDATE that accepts the code: a used code never works again.
    usedAt: timestamp('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('admin_recovery_codes_admin_hash_idx').on(t.adminId, t.codeHash)],
);

/** A mailbox user's single-use recovery codes (spec §20): the same scheme as admin_recovery_codes. */
export const mailboxRecoveryCodes = pgTable(
  'mailbox_recovery_codes',
  {
    id: id(),
    mailboxId: pgInteger('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    codeHash: pgText('code_hash').notNull(),
    usedAt: timestamp('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('mailbox_recovery_codes_mailbox_hash_idx').on(t.mailboxId, t.codeHash)],
);

/**
 * API keys of an admin (spec §14): `auth {user: <admin address>, pass: <key>}` gives an account-level
 * session. Only the key's HMAC-SHA-256 is stored (lib/admins/api-keys.ts says why a fast hash suffices).
 */
export const adminApiKeys = pgTable(
  'admin_api_keys',
  {
    id: id(),
    adminId: pgInteger('admin_id')
      .notNull()
      .references(() => admins.id, { onDelete: 'cascade' }),
    accountId: pgInteger('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    label: pgText('label').notNull(),
    keyHash: pgText('key_hash').notNull().unique(),
    // Canonical plain list like admins.allow_nets; NULL = no restriction beyond the admin's own list.
    allowNets: pgText('allow_nets'),
    expiresAt: timestamp('expires_at'),
    revokedAt: timestamp('revoked_at'),
    lastUsedAt: timestamp('last_used_at'),
    lastUsedIp: pgText('last_used_ip'),
    createdAt: createdAt(),
  },
  (t) => [index('admin_api_keys_admin_idx').on(t.adminId)],
);

/**
 * Counted attempts (lib/auth/throttle.ts): one row per attempt and key, inserted *before* the password is
 * checked and deleted again on success. Kept in the database so every worker and route bundle sees the same
 * counts; rows older than the longest window are pruned.
 */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: id(),
    key: pgText('key').notNull(),
    at: timestamp('at').notNull(),
  },
  (t) => [index('sign_in_failures_key_at_idx').on(t.key, t.at), index('sign_in_failures_at_idx').on(t.at)],
);

/**
 * Networks (IPv4 /24, IPv6 /56) a subject signed in from successfully: sign-in from them is exempt from the
 * subject-wide limit, so that a distributed attack cannot lock the real user out (spec §12).
 */
export const knownNetworks = pgTable(
  'known_networks',
  {
    id: id(),
    // realm|subject, as lib/auth/throttle.ts writes it.
    subjectKey: pgText('subject_key').notNull(),
    network: pgText('network').notNull(),
    lastSeenAt: timestamp('last_seen_at').notNull(),
  },
  (t) => [uniqueIndex('known_networks_subject_network_idx').on(t.subjectKey, t.network), index('known_networks_last_seen_idx').on(t.lastSeenAt)],
);

/** Demo inbox content: the portal's job is the gate, so the webmail itself is a simple list. */
export const messages = pgTable(
  'messages',
  {
    id: id(),
    mailboxId: pgInteger('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    fromAddress: pgText('from_address').notNull(),
    subject: pgText('subject').notNull(),
    body: pgText('body').notNull(),
    receivedAt: timestamp('received_at').notNull(),
  },
  (t) => [index('messages_mailbox_received_idx').on(t.mailboxId, t.receivedAt)],
);

/**
 * Passkeys (WebAuthn credentials) of an admin (spec §14), a second factor like TOTP. Only public data is
 * stored: the credential's id (base64url, as the browser reports it) and its COSE public key (base64url).
 * `counter` is the authenticator's signature counter as last seen (0 for authenticators that keep none,
 * such as synced passkeys); `transports` is the comma-separated hint list the browser gave at registration.
 */
export const adminPasskeys = pgTable(
  'admin_passkeys',
  {
    id: id(),
    adminId: pgInteger('admin_id')
      .notNull()
      .references(() => admins.id, { onDelete: 'cascade' }),
    accountId: pgInteger('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    credentialId: pgText('credential_id').notNull().unique(),
    publicKey: pgText('public_key').notNull(),
    counter: pgInteger('counter').notNull().default(0),
    transports: pgText('transports').notNull().default(''),
    name: pgText('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at'),
  },
  (t) => [index('admin_passkeys_admin_idx').on(t.adminId)],
);

/**
 * Passkeys of a mailbox user (spec §20), the same credentials as admin_passkeys (one service for both:
 * lib/second-factor/passkey.ts); a mailbox with at least one has two-factor on, like one with TOTP.
 */
export const mailboxPasskeys = pgTable(
  'mailbox_passkeys',
  {
    id: id(),
    mailboxId: pgInteger('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    credentialId: pgText('credential_id').notNull().unique(),
    publicKey: pgText('public_key').notNull(),
    counter: pgInteger('counter').notNull().default(0),
    transports: pgText('transports').notNull().default(''),
    name: pgText('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at'),
  },
  (t) => [index('mailbox_passkeys_mailbox_idx').on(t.mailboxId)],
);

/**
 * WebAuthn challenges waiting for the browser's answer (lib/auth/webauthn-challenge.ts): kept here, not in a
 * process's memory, so that the two requests of a passkey ceremony may reach different instances. One row
 * per session and purpose (a new challenge replaces the old), bound to its admin or mailbox; the session id is stored
 * as its SHA-256 only, like web_sessions. Taken by DELETE … RETURNING, so a challenge is used at most once.
 */
export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    id: id(),
    // Whose ceremony it is: an admin's or a mailbox user's, exactly one of the two (the CHECK below).
    adminId: pgInteger('admin_id').references(() => admins.id, { onDelete: 'cascade' }),
    mailboxId: pgInteger('mailbox_id').references(() => mailboxes.id, { onDelete: 'cascade' }),
    purpose: pgText('purpose').$type<'registration' | 'sign-in' | 'reauth'>().notNull(),
    sessionHash: pgText('session_hash').notNull(),
    challenge: pgText('challenge').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('webauthn_challenges_session_idx').on(t.purpose, t.sessionHash),
    index('webauthn_challenges_admin_idx').on(t.adminId, t.expiresAt),
    index('webauthn_challenges_expires_idx').on(t.expiresAt),
    index('webauthn_challenges_mailbox_idx').on(t.mailboxId, t.expiresAt),
    check('webauthn_challenges_one_subject', sql`(admin_id is null) <> (mailbox_id is null)`),
  ],
);

/** The mail-disconnect outbox: see db/schema.ts. */
export const mailKicks = pgTable(
  'mail_kicks',
  {
    id: id(),
    accountId: pgInteger('account_id'),
    mailboxId: pgInteger('mailbox_id'),
    email: pgText('email').notNull(),
    backend: pgText('backend').notNull(),
    reason: pgText('reason').notNull(),
    createdAt: timestamp('created_at').notNull(),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    attempts: pgInteger('attempts').notNull().default(0),
    claimToken: pgText('claim_token'),
    lastError: pgText('last_error'),
  },
  (t) => [index('mail_kicks_due_idx').on(t.nextAttemptAt), index('mail_kicks_account_idx').on(t.accountId)],
);

/** Periodic jobs that run once across instances: see db/schema.ts. */
export const jobLeases = pgTable('job_leases', {
  name: pgText('name').primaryKey(),
  holder: pgText('holder'),
  leaseUntil: timestamp('lease_until').notNull(),
  lastRunAt: timestamp('last_run_at').notNull(),
  // When the job is due next (lib/job-leases.ts); 0 = at once.
  nextRunAt: timestamp('next_run_at').notNull().default(sql`0`),
  // The last run's outcome as shown by `jobs list` ("ok: …" or "failed: …") and when it ended.
  lastResult: pgText('last_result'),
  lastFinishedAt: timestamp('last_finished_at'),
});

/** App passwords of a mailbox: see db/schema.ts. */
export const appPasswords = pgTable(
  'app_passwords',
  {
    id: id(),
    mailboxId: pgInteger('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    label: pgText('label').notNull(),
    protocols: pgText('protocols').notNull(),
    allowNets: pgText('allow_nets'),
    expiresAt: timestamp('expires_at'),
    passwordHash: pgText('password_hash').notNull(),
    lookupTag: pgText('lookup_tag').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at'),
    lastUsedAddress: pgText('last_used_address'),
    lastUsedProtocol: pgText('last_used_protocol'),
  },
  (t) => [index('app_passwords_mailbox_tag_idx').on(t.mailboxId, t.lookupTag)],
);
/** Alert destinations: see db/schema.ts. */
export const notifyDestinations = pgTable(
  'notify_destinations',
  {
    id: id(),
    accountId: pgInteger('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: pgText('kind').$type<'webhook' | 'email'>().notNull(),
    label: pgText('label').notNull().default(''),
    url: pgText('url'),
    emailTo: pgText('email_to'),
    events: pgText('events').notNull(),
    secretSealed: pgText('secret_sealed'),
    createdAt: createdAt(),
    failures: pgInteger('failures').notNull().default(0),
    lastSuccessAt: timestamp('last_success_at'),
    lastFailureAt: timestamp('last_failure_at'),
    lastError: pgText('last_error'),
    // The language its e-mails and webhook summaries are written in (chosen when it is added).
    language: pgText('language').$type<'en' | 'de'>().notNull().default('en'),
  },
  (t) => [index('notify_destinations_account_idx').on(t.accountId)],
);

/** The notification outbox: see db/schema.ts. */
export const notifyDeliveries = pgTable(
  'notify_deliveries',
  {
    id: id(),
    eventId: pgText('event_id').notNull(),
    accountId: pgInteger('account_id'),
    destinationId: pgInteger('destination_id').references(() => notifyDestinations.id, { onDelete: 'cascade' }),
    toAddress: pgText('to_address'),
    type: pgText('type').notNull(),
    body: pgText('body').notNull(),
    createdAt: timestamp('created_at').notNull(),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    attempts: pgInteger('attempts').notNull().default(0),
    claimToken: pgText('claim_token'),
    lastError: pgText('last_error'),
  },
  (t) => [index('notify_deliveries_due_idx').on(t.nextAttemptAt), index('notify_deliveries_destination_idx').on(t.destinationId)],
);

/** Notification rate limits: see db/schema.ts. */
export const notifyLimits = pgTable('notify_limits', {
  key: pgText('key').primaryKey(),
  lastSentAt: timestamp('last_sent_at'),
  lastEventAt: timestamp('last_event_at').notNull(),
  suppressed: pgInteger('suppressed').notNull().default(0),
});

/** The event reader's place in the audit log: see db/schema.ts. */
export const notifyCursors = pgTable('notify_cursors', {
  name: pgText('name').primaryKey(),
  position: pgInteger('position').notNull(),
});

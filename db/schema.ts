import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
/*
 * The stored shape of an allowlist's labels and expiry (the JSON of `allow_nets_meta`). The database layer
 * imports nothing above it, so the type is written here; lib/net/entry-types.ts, which the browser-safe
 * parser uses, has the same shape, and db/schema-types.test.ts fails if the two ever differ.
 */
/** Label and expiry of one entry; absent fields mean "no label" and "never expires". */
export interface EntryInfo {
  label?: string;
  /** Milliseconds since the epoch; the entry stops matching at this instant. */
  expiresAt?: number;
}
/** Labels and expiry by canonical entry text (`198.51.100.0/24`, `@office`). Only entries that have one. */
export type EntryMeta = Record<string, EntryInfo>;

const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });
const now = sql`(unixepoch('subsec') * 1000)`;
const createdAt = () => timestamp('created_at').notNull().default(now);
const updatedAt = () => timestamp('updated_at').notNull().default(now);

/** A business customer. Owns domains and admins; every admin query is scoped to one account. */
export const accounts = sqliteTable('accounts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  // Bumped with every change to one of the account's network sets, in the same transaction: the compiled
  // lists of the account's mailboxes are keyed by it (lib/netsets/compiled-list.ts), so a set change
  // reaches every mailbox that references it at its next request, on every instance.
  netSetsVersion: integer('net_sets_version').notNull().default(0),
  // "Require two-factor for every admin of this account" (spec §14): an admin without it is confined to
  // enrolment right after the password step.
  requireTwoFactor: integer('require_two_factor', { mode: 'boolean' }).notNull().default(false),
  // "Passwords expire after N days" (spec §21 routine check): NULL = off. The password_expiry job sets the
  // forced-change flag of a mailbox whose password is older (lib/jobs/password-expiry.ts).
  passwordMaxAgeDays: integer('password_max_age_days'),
  // "Mail apps must use app passwords" (spec §20): the account password is refused on IMAP/POP3/SMTP.
  requireAppPasswords: integer('require_app_passwords', { mode: 'boolean' }).notNull().default(false),
  // "Require two-factor for mailboxes" (spec §20): a mailbox without it is confined to enrolment at its next
  // web sign-in (lib/mailboxes/two-factor.ts). Mail apps are not affected until the mailbox has two-factor.
  requireMailboxTwoFactor: integer('require_mailbox_two_factor', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
});

export const domains = sqliteTable(
  'domains',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index('domains_account_idx').on(t.accountId)],
);

export const admins = sqliteTable(
  'admins',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    sessionVersion: integer('session_version').notNull().default(1),
    // Deactivated admins cannot sign in; the gate ends their open sessions (spec §14).
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    // Canonical list like mailboxes.allow_nets: governs web sign-in, every admin request and account-level API.
    allowNets: text('allow_nets'),
    // Set for an admin added with an initial password: the first sign-in must choose a new one.
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    // TOTP (lib/admins/two-factor.ts): the secret is AES-256-GCM encrypted under a key derived from
    // AUTH_SECRET, so a copy of the database alone yields no codes. `totp_pending_secret` is the secret being
    // set up (shown as QR code and text) until a correct code confirms it; `totp_enabled_at` marks it live.
    totpSecret: text('totp_secret'),
    totpPendingSecret: text('totp_pending_secret'),
    totpEnabledAt: timestamp('totp_enabled_at'),
    // The last TOTP time step accepted (unix time / 30 s): a code of that step or an earlier one is refused,
    // so a used code cannot be replayed. Advanced with one conditional UPDATE (atomic).
    totpLastStep: integer('totp_last_step'),
    lastLoginAt: timestamp('last_login_at'),
    lastLoginIp: text('last_login_ip'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('admins_account_idx').on(t.accountId)],
);

export const mailboxes = sqliteTable(
  'mailboxes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Denormalised from the domain so that every admin query can be scoped by account with one index.
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    domainId: integer('domain_id')
      .notNull()
      .references(() => domains.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    // Canonical list (lib/net/allowlist); NULL means unrestricted. Never an empty string.
    allowNets: text('allow_nets'),
    // Labels and expiry of allow_nets entries, by canonical entry text (lib/net/allowlist-entries.ts).
    allowNetsMeta: text('allow_nets_meta', { mode: 'json' }).$type<EntryMeta>(),
    // `monitor`: the list is evaluated and refusals are audited as would_refuse, but not enforced.
    allowNetsMode: text('allow_nets_mode').$type<AllowNetsMode>().notNull().default('enforce'),
    // The list's fingerprint: bumped by a trigger (migration allow_nets_version_trigger) whenever allow_nets,
    // allow_nets_meta or allow_nets_mode changes, whatever the statement, so no write path can forget it. The
    // gate reads this number, not the list, and reads the list only for a version its process has not compiled.
    allowNetsVersion: integer('allow_nets_version').notNull().default(0),
    requireResetPassword: integer('require_reset_password', { mode: 'boolean' }).notNull().default(false),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    memo: text('memo').notNull().default(''),
    // Bumped to end every open session of the mailbox at its next request.
    sessionVersion: integer('session_version').notNull().default(1),
    passwordChangedAt: timestamp('password_changed_at'),
    // TOTP of the mailbox user (spec §20), the same columns and rules as admins.totp_*: the secret sealed under
    // AUTH_SECRET, the pending one until a correct code confirms it, the last accepted step against replay.
    totpSecret: text('totp_secret'),
    totpPendingSecret: text('totp_pending_secret'),
    totpEnabledAt: timestamp('totp_enabled_at'),
    totpLastStep: integer('totp_last_step'),
    lastLoginAt: timestamp('last_login_at'),
    lastLoginIp: text('last_login_ip'),
    // "E-mail me about sign-ins from new networks" on /account (spec §21): off by default.
    notifyNewNetwork: integer('notify_new_network', { mode: 'boolean' }).notNull().default(false),
    // The language the user last chose (the switch) or signed in with on the web: their own notices are written in it.
    language: text('language').$type<'en' | 'de'>().notNull().default('en'),
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

export type AllowNetsMode = 'enforce' | 'monitor';

/** A named network set of an account (spec §15), referenced from mailbox lists as `@name`. */
export const netSets = sqliteTable(
  'net_sets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    // Canonical list of networks (no @name: sets do not nest); '' for a set with no entries yet.
    allowNets: text('allow_nets').notNull().default(''),
    allowNetsMeta: text('allow_nets_meta', { mode: 'json' }).$type<EntryMeta>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('net_sets_account_name_idx').on(t.accountId, t.name)],
);

export type ActorKind = 'admin' | 'mailbox' | 'api' | 'cli' | 'system';
export type Protocol = 'web' | 'api' | 'imap' | 'pop3' | 'smtp';

/**
 * Successful sign-ins counted, not logged one by one (spec §19): one row per mailbox, protocol, credential
 * ('password', or 'app:<id>' for an app password) and client address ('' when unknown). Written by
 * lib/sign-in-summaries: inserted (with its audit row) at the first success, then increments flushed at most
 * once a minute (`count = count + n`), so several instances add up. No foreign key, like the audit trail:
 * retention prunes it by `last_seen`.
 */
export const signInSummaries = sqliteTable(
  'sign_in_summaries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id').notNull(),
    mailboxId: integer('mailbox_id').notNull(),
    protocol: text('protocol').$type<Protocol>().notNull(),
    credential: text('credential').notNull(),
    clientIp: text('client_ip').notNull(),
    firstSeen: timestamp('first_seen').notNull(),
    lastSeen: timestamp('last_seen').notNull(),
    count: integer('count').notNull().default(1),
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
export const signInDays = sqliteTable(
  'sign_in_days',
  {
    accountId: integer('account_id').notNull(),
    mailboxId: integer('mailbox_id').notNull(),
    // YYYY-MM-DD (UTC).
    day: text('day').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [uniqueIndex('sign_in_days_mailbox_day_idx').on(t.mailboxId, t.day), index('sign_in_days_account_day_idx').on(t.accountId, t.day)],
);

/** Append-only: nothing in the code updates or deletes audit rows. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: timestamp('at').notNull(),
    accountId: integer('account_id'),
    actorKind: text('actor_kind').$type<ActorKind>().notNull(),
    actorId: integer('actor_id'),
    actorEmail: text('actor_email'),
    // No foreign key: the trail must outlive a deleted mailbox.
    mailboxId: integer('mailbox_id'),
    mailboxEmail: text('mailbox_email'),
    event: text('event').notNull(),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    protocol: text('protocol').$type<Protocol>(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    // Refusals that cost the caller nothing (throttled attempts, an ended session's repeated requests) are
    // aggregated: one row per key and window (lib/audit.ts recordAggregatedAudit), counted here.
    aggregateKey: text('aggregate_key'),
    count: integer('count').notNull().default(1),
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

export const apiSessions = sqliteTable(
  'api_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull().unique(),
    level: text('level').$type<'account' | 'mail'>().notNull(),
    // admins.id for level "account", mailboxes.id for level "mail".
    subjectId: integer('subject_id').notNull(),
    sessionVersion: integer('session_version').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at').notNull(),
    // Sliding: 20 minutes after the last use, but never past created_at + 12 hours (spec §13).
    expiresAt: timestamp('expires_at').notNull(),
    // Shown on "Where you're signed in"; the address is the one of the latest use.
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    // admin_api_keys.id when the session was opened with an API key: every use re-checks the key (revoked,
    // expired, its allowed networks). No foreign key: revoking deletes these sessions in the same call.
    apiKeyId: integer('api_key_id'),
  },
  (t) => [index('api_sessions_expires_idx').on(t.expiresAt), index('api_sessions_subject_idx').on(t.level, t.subjectId)],
);

/**
 * Browser sessions (spec §13): the session JWT carries a random id whose SHA-256 is `sid_hash`; the gate
 * requires the row on every request, so deleting it (sign-out, "end all sessions") ends the session at once
 * even if the cookie was copied.
 */
export const webSessions = sqliteTable(
  'web_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sidHash: text('sid_hash').notNull().unique(),
    kind: text('kind').$type<'mailbox' | 'admin'>().notNull(),
    // mailboxes.id or admins.id; no foreign key (two parent tables), rows go with the subject's sessions.
    subjectId: integer('subject_id').notNull(),
    // The subject's session_version when the session began: a bumped version hides and refuses it.
    sessionVersion: integer('session_version').notNull(),
    startedAt: timestamp('started_at').notNull(),
    // Written at most once a minute (lib/session/row.ts), so idle expiry is exact to that minute.
    lastActiveAt: timestamp('last_active_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    startIp: text('start_ip'),
    lastIp: text('last_ip'),
    userAgent: text('user_agent'),
    // 'second_factor': an admin who passed the password step of a two-factor sign-in; the gate admits it to
    // /admin/login/verify only. NULL: a full session.
    pending: text('pending').$type<'second_factor'>(),
    // When the admin last proved their password (and second factor, where on) in this session: the sign-in
    // itself, or the "Confirm your password" form. Sensitive steps require it within the last 5 minutes
    // (lib/admins/reauth.ts). NULL: never (a pending sign-in, or a mailbox session).
    reauthenticatedAt: timestamp('reauthenticated_at'),
  },
  (t) => [index('web_sessions_subject_idx').on(t.kind, t.subjectId), index('web_sessions_expires_idx').on(t.expiresAt)],
);

/** An admin's single-use recovery codes (spec §14): HMAC-SHA-256 under a key derived from AUTH_SECRET. */
export const adminRecoveryCodes = sqliteTable(
  'admin_recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    adminId: integer('admin_id')
      .notNull()
      .references(() => admins.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    // Set once, by the conditional UPDATE that accepts the code: a used code never works again.
    usedAt: timestamp('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('admin_recovery_codes_admin_hash_idx').on(t.adminId, t.codeHash)],
);

/** A mailbox user's single-use recovery codes (spec §20): the same scheme as admin_recovery_codes. */
export const mailboxRecoveryCodes = sqliteTable(
  'mailbox_recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mailboxId: integer('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('mailbox_recovery_codes_mailbox_hash_idx').on(t.mailboxId, t.codeHash)],
);

/**
 * API keys of an admin (spec §14): `auth {user: <admin address>, pass: <key>}` gives an account-level
 * session. Only the key's HMAC-SHA-256 is stored (lib/admins/api-keys.ts says why a fast hash suffices).
 */
export const adminApiKeys = sqliteTable(
  'admin_api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    adminId: integer('admin_id')
      .notNull()
      .references(() => admins.id, { onDelete: 'cascade' }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    // Canonical plain list like admins.allow_nets; NULL = no restriction beyond the admin's own list.
    allowNets: text('allow_nets'),
    expiresAt: timestamp('expires_at'),
    revokedAt: timestamp('revoked_at'),
    lastUsedAt: timestamp('last_used_at'),
    lastUsedIp: text('last_used_ip'),
    createdAt: createdAt(),
  },
  (t) => [index('admin_api_keys_admin_idx').on(t.adminId)],
);

/**
 * Counted attempts (lib/auth/throttle.ts): one row per attempt and key, inserted *before* the password is
 * checked and deleted again on success. Kept in the database so every worker and route bundle sees the same
 * counts; rows older than the longest window are pruned.
 */
export const signInFailures = sqliteTable(
  'sign_in_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    at: timestamp('at').notNull(),
  },
  (t) => [index('sign_in_failures_key_at_idx').on(t.key, t.at), index('sign_in_failures_at_idx').on(t.at)],
);

/**
 * Networks (IPv4 /24, IPv6 /56) a subject signed in from successfully: sign-in from them is exempt from the
 * subject-wide limit, so that a distributed attack cannot lock the real user out (spec §12).
 */
export const knownNetworks = sqliteTable(
  'known_networks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // realm|subject, as lib/auth/throttle.ts writes it.
    subjectKey: text('subject_key').notNull(),
    network: text('network').notNull(),
    lastSeenAt: timestamp('last_seen_at').notNull(),
  },
  (t) => [uniqueIndex('known_networks_subject_network_idx').on(t.subjectKey, t.network), index('known_networks_last_seen_idx').on(t.lastSeenAt)],
);

/** Demo inbox content: the portal's job is the gate, so the webmail itself is a simple list. */
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mailboxId: integer('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    fromAddress: text('from_address').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
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
export const adminPasskeys = sqliteTable(
  'admin_passkeys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    adminId: integer('admin_id')
      .notNull()
      .references(() => admins.id, { onDelete: 'cascade' }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull().unique(),
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: text('transports').notNull().default(''),
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at'),
  },
  (t) => [index('admin_passkeys_admin_idx').on(t.adminId)],
);

/**
 * Passkeys of a mailbox user (spec §20), the same credentials as admin_passkeys (one service for both:
 * lib/second-factor/passkey.ts); a mailbox with at least one has two-factor on, like one with TOTP.
 */
export const mailboxPasskeys = sqliteTable(
  'mailbox_passkeys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mailboxId: integer('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull().unique(),
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: text('transports').notNull().default(''),
    name: text('name').notNull(),
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
export const webauthnChallenges = sqliteTable(
  'webauthn_challenges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Whose ceremony it is: an admin's or a mailbox user's, exactly one of the two (the CHECK below).
    adminId: integer('admin_id').references(() => admins.id, { onDelete: 'cascade' }),
    mailboxId: integer('mailbox_id').references(() => mailboxes.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<'registration' | 'sign-in' | 'reauth'>().notNull(),
    sessionHash: text('session_hash').notNull(),
    // Base64url, as @simplewebauthn/server generated it: not a secret (the browser receives it), but only
    // the server's own value is ever expected.
    challenge: text('challenge').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('webauthn_challenges_session_idx').on(t.purpose, t.sessionHash),
    // The per-admin bound keeps the latest by expiry; the sweep deletes by expiry.
    index('webauthn_challenges_admin_idx').on(t.adminId, t.expiresAt),
    index('webauthn_challenges_expires_idx').on(t.expiresAt),
    index('webauthn_challenges_mailbox_idx').on(t.mailboxId, t.expiresAt),
    check('webauthn_challenges_one_subject', sql`(admin_id is null) <> (mailbox_id is null)`),
  ],
);

/**
 * The mail-disconnect outbox (spec §18, lib/mail-kick/): one row per mailbox and mail backend that must have
 * its open mail connections ended, written in the same transaction as the change that takes access away,
 * and deleted once the backend confirmed the kick. `next_attempt_at` is also the lease: a worker claims a
 * due row by moving it forward (atomically, with a fresh `claim_token`), so exactly one worker holds it,
 * and a worker that died leaves it due again when the lease runs out. No foreign key: a deleted mailbox's
 * connections must still be ended.
 */
export const mailKicks = sqliteTable(
  'mail_kicks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id'),
    mailboxId: integer('mailbox_id'),
    email: text('email').notNull(),
    // A doveadm HTTP API URL from MAIL_KICK_URL (never the key), or '*': every backend of the claiming worker.
    backend: text('backend').notNull(),
    // What took access away (forced_change, deactivated, password, sessions_ended, list, mode, set, expiry, …).
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at').notNull(),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    claimToken: text('claim_token'),
    lastError: text('last_error'),
  },
  (t) => [index('mail_kicks_due_idx').on(t.nextAttemptAt), index('mail_kicks_account_idx').on(t.accountId)],
);

/**
 * The scheduled jobs (lib/schedule/registry.ts), one row each, run once across instances: the instance whose
 * conditional UPDATE takes a due job with an expired lease runs it until `lease_until`; `last_run_at` is
 * the `now` of the last completed run (where a windowed job such as the expiry sweep continues).
 */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  holder: text('holder'),
  leaseUntil: timestamp('lease_until').notNull(),
  lastRunAt: timestamp('last_run_at').notNull(),
  // When the job is due next (lib/job-leases.ts); 0 = at once.
  nextRunAt: timestamp('next_run_at').notNull().default(sql`0`),
  // The last run's outcome as shown by `jobs list` ("ok: …" or "failed: …") and when it ended.
  lastResult: text('last_result'),
  lastFinishedAt: timestamp('last_finished_at'),
});

/**
 * App passwords of a mailbox (spec §20; lib/app-passwords/): each works only on its protocols, from
 * addresses both the mailbox's list and its own `allow_nets` admit, until `expires_at`. Stored as a bcrypt
 * hash plus `lookup_tag`, a short non-secret digest of the password that picks the one candidate row to
 * compare, so that a sign-in pays one bcrypt whatever the mailbox holds (lib/app-passwords/format.ts says
 * why 20 bits). Revoking deletes the row.
 */
export const appPasswords = sqliteTable(
  'app_passwords',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mailboxId: integer('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    // Comma-separated subset of imap,pop3,smtp, in that order.
    protocols: text('protocols').notNull(),
    // Canonical plain list (no @sets); NULL = only the mailbox's own list applies.
    allowNets: text('allow_nets'),
    expiresAt: timestamp('expires_at'),
    passwordHash: text('password_hash').notNull(),
    lookupTag: text('lookup_tag').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at'),
    lastUsedAddress: text('last_used_address'),
    lastUsedProtocol: text('last_used_protocol'),
  },
  (t) => [index('app_passwords_mailbox_tag_idx').on(t.mailboxId, t.lookupTag)],
);

/**
 * Where an account's alerts go (spec §21, lib/notify/): a signed webhook (its HMAC secret sealed with
 * lib/auth/secret-box.ts, shown once at creation) or an e-mail address. `events` is the comma-joined list of
 * event types switched on. `failures` counts deliveries in a row that failed for good or are still being
 * retried after failing; the admin overview names a destination that keeps failing.
 */
export const notifyDestinations = sqliteTable(
  'notify_destinations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'webhook' | 'email'>().notNull(),
    label: text('label').notNull().default(''),
    url: text('url'),
    emailTo: text('email_to'),
    events: text('events').notNull(),
    secretSealed: text('secret_sealed'),
    createdAt: createdAt(),
    failures: integer('failures').notNull().default(0),
    lastSuccessAt: timestamp('last_success_at'),
    lastFailureAt: timestamp('last_failure_at'),
    lastError: text('last_error'),
    // The language its e-mails and webhook summaries are written in (chosen when it is added).
    language: text('language').$type<'en' | 'de'>().notNull().default('en'),
  },
  (t) => [index('notify_destinations_account_idx').on(t.accountId)],
);

/**
 * The outbox of notifications (lib/notify/outbox.ts): one row per event and destination (or per user notice:
 * no destination, `to_address` the mailbox), written in the transaction that moved the event reader forward,
 * claimed like mail_kicks (next_attempt_at is the lease) and deleted once delivered or given up (24 h).
 * `body` is the JSON sent, fixed at creation: every retry carries the same `id`.
 */
export const notifyDeliveries = sqliteTable(
  'notify_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: text('event_id').notNull(),
    accountId: integer('account_id'),
    destinationId: integer('destination_id').references(() => notifyDestinations.id, { onDelete: 'cascade' }),
    toAddress: text('to_address'),
    type: text('type').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at').notNull(),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    claimToken: text('claim_token'),
    lastError: text('last_error'),
  },
  (t) => [index('notify_deliveries_due_idx').on(t.nextAttemptAt), index('notify_deliveries_destination_idx').on(t.destinationId)],
);

/**
 * The per (account, subject, event type) rate limit of notifications (spec §21: at most one per 15 min, the
 * rest counted into the next one). `key` is `account|subject|type`.
 */
export const notifyLimits = sqliteTable('notify_limits', {
  key: text('key').primaryKey(),
  lastSentAt: timestamp('last_sent_at'),
  lastEventAt: timestamp('last_event_at').notNull(),
  suppressed: integer('suppressed').notNull().default(0),
});

/** Where the event reader (lib/notify/events.ts) stands in the audit log: the last audit id it read. */
export const notifyCursors = sqliteTable('notify_cursors', {
  name: text('name').primaryKey(),
  position: integer('position').notNull(),
});

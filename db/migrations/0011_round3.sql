CREATE TABLE `app_passwords` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mailbox_id` integer NOT NULL,
	`label` text NOT NULL,
	`protocols` text NOT NULL,
	`allow_nets` text,
	`expires_at` integer,
	`password_hash` text NOT NULL,
	`lookup_tag` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	`last_used_address` text,
	`last_used_protocol` text,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `app_passwords_mailbox_tag_idx` ON `app_passwords` (`mailbox_id`,`lookup_tag`);--> statement-breakpoint
CREATE TABLE `mailbox_recovery_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mailbox_id` integer NOT NULL,
	`code_hash` text NOT NULL,
	`used_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailbox_recovery_codes_mailbox_hash_idx` ON `mailbox_recovery_codes` (`mailbox_id`,`code_hash`);--> statement-breakpoint
CREATE TABLE `notify_cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notify_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`account_id` integer,
	`destination_id` integer,
	`to_address` text,
	`type` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claim_token` text,
	`last_error` text,
	FOREIGN KEY (`destination_id`) REFERENCES `notify_destinations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notify_deliveries_due_idx` ON `notify_deliveries` (`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notify_deliveries_destination_idx` ON `notify_deliveries` (`destination_id`);--> statement-breakpoint
CREATE TABLE `notify_destinations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`kind` text NOT NULL,
	`label` text DEFAULT '' NOT NULL,
	`url` text,
	`email_to` text,
	`events` text NOT NULL,
	`secret_sealed` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_success_at` integer,
	`last_failure_at` integer,
	`last_error` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notify_destinations_account_idx` ON `notify_destinations` (`account_id`);--> statement-breakpoint
CREATE TABLE `notify_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`last_sent_at` integer,
	`last_event_at` integer NOT NULL,
	`suppressed` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sign_in_days` (
	`account_id` integer NOT NULL,
	`mailbox_id` integer NOT NULL,
	`day` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sign_in_days_mailbox_day_idx` ON `sign_in_days` (`mailbox_id`,`day`);--> statement-breakpoint
CREATE INDEX `sign_in_days_account_day_idx` ON `sign_in_days` (`account_id`,`day`);--> statement-breakpoint
CREATE TABLE `sign_in_summaries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`mailbox_id` integer NOT NULL,
	`protocol` text NOT NULL,
	`credential` text NOT NULL,
	`client_ip` text NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`audited_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sign_in_summaries_key_idx` ON `sign_in_summaries` (`mailbox_id`,`protocol`,`credential`,`client_ip`);--> statement-breakpoint
CREATE INDEX `sign_in_summaries_mailbox_last_seen_idx` ON `sign_in_summaries` (`mailbox_id`,`last_seen`);--> statement-breakpoint
CREATE INDEX `sign_in_summaries_account_last_seen_idx` ON `sign_in_summaries` (`account_id`,`last_seen`);--> statement-breakpoint
CREATE INDEX `sign_in_summaries_last_seen_idx` ON `sign_in_summaries` (`last_seen`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `password_max_age_days` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `require_app_passwords` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `require_mailbox_two_factor` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `next_run_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `last_result` text;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `last_finished_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `allow_nets_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_pending_secret` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_enabled_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_last_step` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `notify_new_network` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_mailbox_email_at_idx` ON `audit_events` (`mailbox_email`,`account_id`,`at`);
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
ALTER TABLE `accounts` ADD `password_max_age_days` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `require_app_passwords` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `require_mailbox_two_factor` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `next_run_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `last_result` text;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `last_finished_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_pending_secret` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_enabled_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_last_step` integer;
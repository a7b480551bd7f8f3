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
ALTER TABLE `accounts` ADD `require_mailbox_two_factor` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_pending_secret` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_enabled_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `totp_last_step` integer;
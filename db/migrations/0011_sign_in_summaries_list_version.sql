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
ALTER TABLE `mailboxes` ADD `allow_nets_version` integer DEFAULT 0 NOT NULL;
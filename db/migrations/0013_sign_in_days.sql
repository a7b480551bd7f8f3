CREATE TABLE `sign_in_days` (
	`account_id` integer NOT NULL,
	`mailbox_id` integer NOT NULL,
	`day` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sign_in_days_mailbox_day_idx` ON `sign_in_days` (`mailbox_id`,`day`);--> statement-breakpoint
CREATE INDEX `sign_in_days_account_day_idx` ON `sign_in_days` (`account_id`,`day`);
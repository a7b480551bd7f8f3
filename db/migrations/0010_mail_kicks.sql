CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text,
	`lease_until` integer NOT NULL,
	`last_run_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mail_kicks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer,
	`mailbox_id` integer,
	`email` text NOT NULL,
	`backend` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claim_token` text,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `mail_kicks_due_idx` ON `mail_kicks` (`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `mail_kicks_account_idx` ON `mail_kicks` (`account_id`);
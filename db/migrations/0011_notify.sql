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
ALTER TABLE `mailboxes` ADD `notify_new_network` integer DEFAULT false NOT NULL;
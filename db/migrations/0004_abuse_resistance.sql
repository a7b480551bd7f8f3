CREATE TABLE `known_networks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_key` text NOT NULL,
	`network` text NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `known_networks_subject_network_idx` ON `known_networks` (`subject_key`,`network`);--> statement-breakpoint
CREATE INDEX `known_networks_last_seen_idx` ON `known_networks` (`last_seen_at`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `aggregate_key` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `last_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_aggregate_key_idx` ON `audit_events` (`aggregate_key`);--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE INDEX `sign_in_failures_at_idx` ON `sign_in_failures` (`at`);
CREATE TABLE `web_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sid_hash` text NOT NULL,
	`kind` text NOT NULL,
	`subject_id` integer NOT NULL,
	`session_version` integer NOT NULL,
	`started_at` integer NOT NULL,
	`last_active_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`start_ip` text,
	`last_ip` text,
	`user_agent` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `web_sessions_sid_hash_unique` ON `web_sessions` (`sid_hash`);--> statement-breakpoint
CREATE INDEX `web_sessions_subject_idx` ON `web_sessions` (`kind`,`subject_id`);--> statement-breakpoint
CREATE INDEX `web_sessions_expires_idx` ON `web_sessions` (`expires_at`);--> statement-breakpoint
ALTER TABLE `admins` ADD `active` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `admins` ADD `allow_nets` text;--> statement-breakpoint
ALTER TABLE `admins` ADD `must_change_password` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `api_sessions` ADD `client_ip` text;--> statement-breakpoint
ALTER TABLE `api_sessions` ADD `user_agent` text;--> statement-breakpoint
CREATE INDEX `api_sessions_subject_idx` ON `api_sessions` (`level`,`subject_id`);
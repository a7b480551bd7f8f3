ALTER TABLE `accounts` ADD `password_max_age_days` integer;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `next_run_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `last_result` text;--> statement-breakpoint
ALTER TABLE `job_leases` ADD `last_finished_at` integer;
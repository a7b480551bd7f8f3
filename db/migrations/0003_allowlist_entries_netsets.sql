CREATE TABLE `net_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`allow_nets` text DEFAULT '' NOT NULL,
	`allow_nets_meta` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `net_sets_account_name_idx` ON `net_sets` (`account_id`,`name`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `net_sets_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `allow_nets_meta` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `allow_nets_mode` text DEFAULT 'enforce' NOT NULL;
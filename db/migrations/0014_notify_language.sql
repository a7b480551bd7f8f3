ALTER TABLE `mailboxes` ADD `language` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `notify_destinations` ADD `language` text DEFAULT 'en' NOT NULL;
CREATE TABLE `mailbox_passkeys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mailbox_id` integer NOT NULL,
	`credential_id` text NOT NULL,
	`public_key` text NOT NULL,
	`counter` integer DEFAULT 0 NOT NULL,
	`transports` text DEFAULT '' NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailbox_passkeys_credential_id_unique` ON `mailbox_passkeys` (`credential_id`);--> statement-breakpoint
CREATE INDEX `mailbox_passkeys_mailbox_idx` ON `mailbox_passkeys` (`mailbox_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_webauthn_challenges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`admin_id` integer,
	`mailbox_id` integer,
	`purpose` text NOT NULL,
	`session_hash` text NOT NULL,
	`challenge` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`admin_id`) REFERENCES `admins`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "webauthn_challenges_one_subject" CHECK((admin_id is null) <> (mailbox_id is null))
);
--> statement-breakpoint
INSERT INTO `__new_webauthn_challenges`("id", "admin_id", "mailbox_id", "purpose", "session_hash", "challenge", "expires_at") SELECT "id", "admin_id", NULL, "purpose", "session_hash", "challenge", "expires_at" FROM `webauthn_challenges`;--> statement-breakpoint
DROP TABLE `webauthn_challenges`;--> statement-breakpoint
ALTER TABLE `__new_webauthn_challenges` RENAME TO `webauthn_challenges`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `webauthn_challenges_session_idx` ON `webauthn_challenges` (`purpose`,`session_hash`);--> statement-breakpoint
CREATE INDEX `webauthn_challenges_admin_idx` ON `webauthn_challenges` (`admin_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `webauthn_challenges_expires_idx` ON `webauthn_challenges` (`expires_at`);--> statement-breakpoint
CREATE INDEX `webauthn_challenges_mailbox_idx` ON `webauthn_challenges` (`mailbox_id`,`expires_at`);
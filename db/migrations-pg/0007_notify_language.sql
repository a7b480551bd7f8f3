ALTER TABLE "mailboxes" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "notify_destinations" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;
ALTER TABLE "accounts" ADD COLUMN "password_max_age_days" integer;--> statement-breakpoint
ALTER TABLE "job_leases" ADD COLUMN "next_run_at" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "job_leases" ADD COLUMN "last_result" text;--> statement-breakpoint
ALTER TABLE "job_leases" ADD COLUMN "last_finished_at" bigint;
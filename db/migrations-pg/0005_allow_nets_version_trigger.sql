-- The fingerprint of a mailbox's list (mailboxes.allow_nets_version): bumped by the database itself on every
-- change to the list, its labels/expiry or its mode, whatever statement makes it (spec §19).
CREATE FUNCTION "mailboxes_allow_nets_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."allow_nets" IS DISTINCT FROM NEW."allow_nets" OR OLD."allow_nets_meta" IS DISTINCT FROM NEW."allow_nets_meta" OR OLD."allow_nets_mode" IS DISTINCT FROM NEW."allow_nets_mode" THEN
    NEW."allow_nets_version" := OLD."allow_nets_version" + 1;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "mailboxes_allow_nets_version" BEFORE UPDATE OF "allow_nets", "allow_nets_meta", "allow_nets_mode" ON "mailboxes" FOR EACH ROW EXECUTE FUNCTION "mailboxes_allow_nets_version"();

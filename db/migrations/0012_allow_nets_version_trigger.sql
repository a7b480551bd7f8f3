-- The fingerprint of a mailbox's list (mailboxes.allow_nets_version): bumped by the database itself on every
-- change to the list, its labels/expiry or its mode, whatever statement makes it (spec §19).
CREATE TRIGGER "mailboxes_allow_nets_version" AFTER UPDATE OF "allow_nets", "allow_nets_meta", "allow_nets_mode" ON "mailboxes"
FOR EACH ROW WHEN OLD."allow_nets" IS NOT NEW."allow_nets" OR OLD."allow_nets_meta" IS NOT NEW."allow_nets_meta" OR OLD."allow_nets_mode" IS NOT NEW."allow_nets_mode"
BEGIN
  UPDATE "mailboxes" SET "allow_nets_version" = OLD."allow_nets_version" + 1 WHERE "id" = NEW."id";
END;

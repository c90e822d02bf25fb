CREATE TABLE "deleted_user" (
	"user_id" text PRIMARY KEY NOT NULL,
	"deleted_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Written by the database itself, so no way of deleting a user row can skip it.
CREATE FUNCTION "record_deleted_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "deleted_user" ("user_id") VALUES (OLD."id") ON CONFLICT DO NOTHING;
	RETURN OLD;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "user_deleted" AFTER DELETE ON "user" FOR EACH ROW EXECUTE FUNCTION "record_deleted_user"();

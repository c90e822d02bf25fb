CREATE TYPE "public"."change_action" AS ENUM('create', 'update', 'complete', 'delete');--> statement-breakpoint
CREATE TYPE "public"."change_entity" AS ENUM('task');--> statement-breakpoint
CREATE TABLE "change_log" (
	"user_id" text NOT NULL,
	"cursor" bigint GENERATED ALWAYS AS IDENTITY (sequence name "change_log_cursor_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"entity" "change_entity" NOT NULL,
	"entity_id" uuid NOT NULL,
	"action" "change_action" NOT NULL,
	"state" jsonb,
	"request_id" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_log_pkey" PRIMARY KEY("user_id","cursor")
);
--> statement-breakpoint
-- Existing audit records become change-log entries with the same ids, so history keeps its
-- order and ids; each entry's state is the task's audited fields after that write (the
-- latest "new" value of every field so far), null after a delete.
INSERT INTO "change_log" ("user_id", "cursor", "entity", "entity_id", "action", "state", "request_id", "at")
OVERRIDING SYSTEM VALUE
SELECT audit."user_id", audit."id", 'task', audit."task_id", audit."action"::text::"change_action",
	CASE WHEN audit."action" = 'delete' THEN NULL ELSE
		jsonb_build_object('id', audit."task_id", 'user_id', audit."user_id") || COALESCE((
			SELECT jsonb_object_agg(latest.key, latest.value) FROM (
				SELECT DISTINCT ON (field.key) field.key, field.value -> 'new' AS value
				FROM "task_audit" AS earlier, jsonb_each(earlier."changes") AS field
				WHERE earlier."user_id" = audit."user_id" AND earlier."task_id" = audit."task_id"
					AND earlier."id" <= audit."id"
				ORDER BY field.key, earlier."id" DESC
			) AS latest), '{}'::jsonb)
	END,
	audit."request_id", audit."at"
FROM "task_audit" AS audit;--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('change_log', 'cursor'), COALESCE((SELECT max("cursor") FROM "change_log"), 1), (SELECT count(*) > 0 FROM "change_log"));--> statement-breakpoint
DROP TABLE "task_audit" CASCADE;--> statement-breakpoint
ALTER TABLE "change_log" ADD CONSTRAINT "change_log_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_log_user_entity_idx" ON "change_log" USING btree ("user_id","entity_id","cursor");--> statement-breakpoint
DROP TYPE "public"."task_audit_action";
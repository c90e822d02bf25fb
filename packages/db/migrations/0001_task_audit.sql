CREATE TYPE "public"."task_audit_action" AS ENUM('create', 'update', 'complete', 'delete');--> statement-breakpoint
CREATE TABLE "task_audit" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "task_audit_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"task_id" uuid NOT NULL,
	"action" "task_audit_action" NOT NULL,
	"changes" jsonb NOT NULL,
	"request_id" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_audit" ADD CONSTRAINT "task_audit_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_audit_user_task_idx" ON "task_audit" USING btree ("user_id","task_id","id");